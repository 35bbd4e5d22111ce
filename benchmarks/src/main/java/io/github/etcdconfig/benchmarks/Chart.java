package io.github.etcdconfig.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;

import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Cell;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Probe;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The propagation chart: latency from etcd's acknowledgement against the number of keys,
 * p50 solid and p99 dashed, both axes logarithmic, without a reader thread.
 */
final class Chart {

	/** Where a log axis cannot go: values at or below zero are drawn here. */
	static final double FLOOR_MILLIS = 0.01;

	private Chart() {
	}

	static void write(List<Cell> cells, Path file) throws IOException {
		XYSeriesCollection data = new XYSeriesCollection();
		XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
		Color[] colors = { new Color(0x55, 0x55, 0x55), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c),
				new Color(0x94, 0x67, 0xbd), new Color(0xd6, 0x27, 0x28), new Color(0xff, 0x7f, 0x0e) };
		int line = 0;
		for (Mode mode : List.of(Mode.ETCD_CONFIG, Mode.FULL_REFRESH)) {
			for (Probe probe : Probe.values()) {
				List<Cell> series = cells.stream()
					.filter((cell) -> cell.mode() == mode && cell.probe() == probe && !cell.reader())
					.toList();
				if (series.isEmpty()) {
					continue;
				}
				String name = (probe == Probe.BARE_WATCH) ? probe.title
						: ((mode == Mode.FULL_REFRESH) ? "full refresh, " : "etcd-config, ") + probe.title;
				XYSeries p50 = new XYSeries(name + " p50");
				XYSeries p99 = new XYSeries(name + " p99");
				for (Cell cell : series) {
					p50.add(cell.keys(), Math.max(FLOOR_MILLIS, cell.fromAck().p50()));
					p99.add(cell.keys(), Math.max(FLOOR_MILLIS, cell.fromAck().p99()));
				}
				Color color = colors[line % colors.length];
				int index = data.getSeriesCount();
				data.addSeries(p50);
				data.addSeries(p99);
				renderer.setSeriesPaint(index, color);
				renderer.setSeriesPaint(index + 1, color);
				renderer.setSeriesStroke(index, new BasicStroke(2.2f));
				renderer.setSeriesStroke(index + 1, new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
						10f, new float[] { 6f, 4f }, 0f));
				line++;
			}
		}
		LogAxis keys = new LogAxis("keys in etcd (and in the application)");
		keys.setBase(10);
		keys.setTickUnit(new NumberTickUnit(1));
		keys.setNumberFormatOverride(new DecimalFormat("#,##0"));
		LogAxis latency = new LogAxis("milliseconds from etcd's acknowledgement of the put (log scale)");
		latency.setBase(10);
		latency.setTickUnit(new NumberTickUnit(1));
		latency.setNumberFormatOverride(new DecimalFormat("0.###"));
		XYPlot plot = new XYPlot(data, keys, latency, renderer);
		plot.setBackgroundPaint(Color.WHITE);
		plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
		plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
		JFreeChart chart = new JFreeChart("Propagation latency against key count (p50 solid, p99 dashed)",
				new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
		chart.setBackgroundPaint(Color.WHITE);
		ChartUtils.saveChartAsPNG(file.toFile(), chart, 1100, 680);
	}

}

package io.github.etcdconfig.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.imageio.ImageIO;

import io.github.etcdconfig.benchmarks.Apps.Mode;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Cell;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Poller;
import io.github.etcdconfig.benchmarks.PropagationBenchmark.Probe;
import io.github.etcdconfig.benchmarks.RecoveryBenchmark.Fault;
import io.github.etcdconfig.benchmarks.StreamBenchmark.BackToBack;
import io.github.etcdconfig.benchmarks.StreamBenchmark.Rate;
import io.github.etcdconfig.benchmarks.Stats.Latency;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The chart of streams and outages, two panels in one image: latency from etcd's
 * acknowledgement under each load (isolated, back-to-back, fixed rates), and the time to
 * be current against the length of each kind of outage.
 */
final class StreamChart {

	static final String FILE = "benchmarks-stream.png";

	private static final int WIDTH = 1100;

	private static final int TOP = 640;

	private static final int BOTTOM = 600;

	private static final Color[] COLORS = { new Color(0x1f, 0x77, 0xb4), new Color(0x55, 0x55, 0x55),
			new Color(0xd6, 0x27, 0x28), new Color(0x2c, 0xa0, 0x2c) };

	private static final Stroke SOLID = new BasicStroke(2.2f);

	private static final Stroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
			new float[] { 6f, 4f }, 0f);

	private StreamChart() {
	}

	static void write(Report.Run run, Path file) throws IOException {
		List<JFreeChart> charts = new ArrayList<>();
		List<Integer> heights = new ArrayList<>();
		if (!run.streams().backToBack().isEmpty() || !run.streams().rates().isEmpty()) {
			charts.add(loads(run));
			heights.add(TOP);
		}
		if (!run.streams().recovery().isEmpty()) {
			charts.add(recovery(run.streams()));
			heights.add(BOTTOM);
		}
		int height = heights.stream().mapToInt(Integer::intValue).sum();
		BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = image.createGraphics();
		graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		graphics.setColor(Color.WHITE);
		graphics.fillRect(0, 0, WIDTH, height);
		int top = 0;
		for (int i = 0; i < charts.size(); i++) {
			charts.get(i).draw(graphics, new Rectangle(0, top, WIDTH, heights.get(i)));
			top += heights.get(i);
		}
		graphics.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	private static JFreeChart loads(Report.Run run) {
		int keys = Benchmarks.STREAM_KEYS;
		StreamReport.Results streams = run.streams();
		DefaultCategoryDataset data = new DefaultCategoryDataset();
		String[] names = { "etcd-config, @RefreshScope bean", "bare jetcd watch", "full refresh, @RefreshScope bean" };
		Optional<Cell> isolated = isolated(run, Mode.ETCD_CONFIG, Probe.REFRESH_SCOPE);
		Optional<Cell> isolatedBare = isolated(run, Mode.ETCD_CONFIG, Probe.BARE_WATCH);
		Optional<Cell> isolatedFull = isolated(run, Mode.FULL_REFRESH, Probe.REFRESH_SCOPE);
		add(data, names[0], "isolated", isolated.map(Cell::fromAck));
		add(data, names[1], "isolated", isolatedBare.map(Cell::fromAck));
		add(data, names[2], "isolated", isolatedFull.map(Cell::fromAck));
		add(data, names[0], "back-to-back", backToBack(streams, Mode.ETCD_CONFIG, Probe.REFRESH_SCOPE));
		add(data, names[1], "back-to-back", backToBack(streams, Mode.ETCD_CONFIG, Probe.BARE_WATCH));
		add(data, names[2], "back-to-back", backToBack(streams, Mode.FULL_REFRESH, Probe.REFRESH_SCOPE));
		for (Rate rate : streams.rates()) {
			String category = String.format(Locale.ROOT, "%,d puts/s", rate.rate());
			add(data, "etcd-config, the three probes' keys", category, Optional.of(rate.fromAck()));
			add(data, names[1], category, Optional.of(rate.bareFromAck()));
		}
		LineAndShapeRenderer renderer = new LineAndShapeRenderer(true, true);
		for (int row = 0; row < data.getRowCount(); row++) {
			String name = (String) data.getRowKey(row);
			int series = name.startsWith("bare") ? 1 : name.startsWith("full") ? 2 : name.contains("three") ? 3 : 0;
			renderer.setSeriesPaint(row, COLORS[series]);
			renderer.setSeriesStroke(row, name.endsWith("p99") ? DASHED : SOLID);
		}
		LogAxis latency = logAxis("milliseconds from etcd's acknowledgement of the put (log scale)");
		CategoryPlot plot = new CategoryPlot(data,
				new CategoryAxis(String.format(Locale.ROOT, "how the changes come, %,d keys", keys)), latency,
				renderer);
		style(plot.getRangeAxis(), plot);
		plot.addRangeMarker(target(5, "target p99"), Layer.BACKGROUND);
		plot.addRangeMarker(target(1, "target p50"), Layer.BACKGROUND);
		return chart("A stream of changes: latency under load (p50 solid, p99 dashed)", plot);
	}

	private static JFreeChart recovery(StreamReport.Results streams) {
		XYSeriesCollection data = new XYSeriesCollection();
		XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
		for (Fault fault : Fault.values()) {
			XYSeries p50 = new XYSeries(fault.title + " p50");
			XYSeries max = new XYSeries(fault.title + " slowest");
			for (RecoveryBenchmark.Cell cell : streams.recovery()) {
				Latency current = cell.current();
				if (cell.fault() == fault && current != null) {
					p50.add(cell.seconds(), Math.max(Chart.FLOOR_MILLIS, current.p50()));
					max.add(cell.seconds(), Math.max(Chart.FLOOR_MILLIS, current.max()));
				}
			}
			int index = data.getSeriesCount();
			data.addSeries(p50);
			data.addSeries(max);
			Color color = COLORS[fault.ordinal() % COLORS.length];
			renderer.setSeriesPaint(index, color);
			renderer.setSeriesPaint(index + 1, color);
			renderer.setSeriesStroke(index, SOLID);
			renderer.setSeriesStroke(index + 1, DASHED);
		}
		LogAxis length = logAxis("length of the outage, seconds (log scale)");
		length.setNumberFormatOverride(new DecimalFormat("#,##0"));
		LogAxis current = logAxis("milliseconds from etcd answering again to the application being current");
		XYPlot plot = new XYPlot(data, length, current, renderer);
		style(current, plot);
		plot.addRangeMarker(target(1_000, "target"), Layer.BACKGROUND);
		return chart("Recovery: time to be current after an outage (p50 solid, slowest dashed)", plot);
	}

	private static Optional<Cell> isolated(Report.Run run, Mode mode, Probe probe) {
		return run.cells()
			.stream()
			.filter((cell) -> cell.keys() == Benchmarks.STREAM_KEYS && cell.mode() == mode && cell.probe() == probe
					&& !cell.reader())
			.findFirst();
	}

	private static Optional<Latency> backToBack(StreamReport.Results streams, Mode mode, Probe probe) {
		return streams.backToBack()
			.stream()
			.filter((cell) -> cell.keys() == Benchmarks.STREAM_KEYS && cell.mode() == mode && cell.probe() == probe
					&& cell.poller() == Poller.SPIN)
			.map(BackToBack::fromAck)
			.findFirst();
	}

	private static void add(DefaultCategoryDataset data, String name, String category, Optional<Latency> latency) {
		latency.ifPresent((value) -> {
			data.addValue(Math.max(Chart.FLOOR_MILLIS, value.p50()), name + " p50", category);
			data.addValue(Math.max(Chart.FLOOR_MILLIS, value.p99()), name + " p99", category);
		});
	}

	private static LogAxis logAxis(String label) {
		LogAxis axis = new LogAxis(label);
		axis.setBase(10);
		axis.setTickUnit(new NumberTickUnit(1));
		axis.setNumberFormatOverride(new DecimalFormat("0.###"));
		return axis;
	}

	private static ValueMarker target(double millis, String label) {
		ValueMarker marker = new ValueMarker(millis, new Color(0xbb, 0xbb, 0xbb), new BasicStroke(1.2f));
		marker.setLabel(label);
		marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
		marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
		return marker;
	}

	private static void style(ValueAxis axis, Plot plot) {
		plot.setBackgroundPaint(Color.WHITE);
		if (plot instanceof CategoryPlot category) {
			category.setRangeGridlinePaint(Color.LIGHT_GRAY);
		}
		else if (plot instanceof XYPlot xy) {
			xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
			xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
		}
		axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
	}

	private static JFreeChart chart(String title, Plot plot) {
		JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
		chart.setBackgroundPaint(Color.WHITE);
		return chart;
	}

}

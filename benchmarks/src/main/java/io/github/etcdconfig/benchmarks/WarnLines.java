package io.github.etcdconfig.benchmarks;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the WARN and ERROR lines that the starter and jetcd log, jetcd's transport
 * (gRPC, Vert.x, Netty) included: the lines an operator would see at the default log
 * levels. The benchmark's own classes and the test launcher are left out. Attach it after
 * the application started: Spring Boot resets Logback's configuration when it starts.
 */
final class WarnLines extends AppenderBase<ILoggingEvent> {

	private static final List<String> LOGGERS = List.of("io.github.etcdconfig.", "io.etcd.jetcd.", "io.grpc.",
			"io.vertx.", "io.netty.");

	private static final List<String> NOT_LOGGERS = List.of(WarnLines.class.getPackageName(),
			"io.github.etcdconfig.test");

	/**
	 * One line.
	 *
	 * @param nanos when it was logged, as {@link System#nanoTime()}
	 * @param level WARN or ERROR
	 * @param logger the logger's name
	 * @param message the message
	 */
	record Line(long nanos, String level, String logger, String message) {

		/**
		 * The message with every number replaced by {@code #}, so that repeats of one
		 * line group together.
		 */
		String shape() {
			String text = this.message.replaceAll("[0-9]+", "#");
			return (text.length() > 160) ? text.substring(0, 157) + "..." : text;
		}

	}

	private final List<Line> lines = new ArrayList<>();

	private WarnLines() {
	}

	static WarnLines attach() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		WarnLines lines = new WarnLines();
		lines.setContext(context);
		lines.setName("bench-warn-lines");
		lines.start();
		context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(lines);
		return lines;
	}

	@Override
	protected void append(ILoggingEvent event) {
		String logger = event.getLoggerName();
		if (event.getLevel().isGreaterOrEqual(Level.WARN) && LOGGERS.stream().anyMatch(logger::startsWith)
				&& NOT_LOGGERS.stream().noneMatch(logger::startsWith)) {
			synchronized (this.lines) {
				this.lines
					.add(new Line(System.nanoTime(), event.getLevel().toString(), logger, event.getFormattedMessage()));
			}
		}
	}

	/**
	 * The lines logged in a span of time.
	 * @param from its start, as {@link System#nanoTime()}, included
	 * @param to its end, excluded
	 * @return the lines, in order
	 */
	List<Line> between(long from, long to) {
		synchronized (this.lines) {
			return this.lines.stream().filter((line) -> line.nanos() >= from && line.nanos() < to).toList();
		}
	}

}

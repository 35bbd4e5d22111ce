package io.github.etcdconfig.benchmarks;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;

/**
 * The log of one simulated instance's start-up, kept to tell how it loaded: the starter
 * says at INFO whether it started from its snapshot file and etcd's history since, and at
 * DEBUG why it read every key instead. TRACE is left out.
 */
final class ScaleStartLog implements Log {

	private final List<String> lines = new ArrayList<>();

	/**
	 * Whether the instance started from its snapshot file and the history since.
	 * @return whether it did
	 */
	synchronized boolean fromHistory() {
		return this.lines.stream().anyMatch((line) -> line.startsWith("Started ") && line.contains("snapshot file"));
	}

	/**
	 * Whether the instance read every key of etcd.
	 * @return whether it did
	 */
	synchronized boolean fullRead() {
		return this.lines.stream().anyMatch((line) -> line.startsWith("Loaded "));
	}

	synchronized List<String> lines() {
		return List.copyOf(this.lines);
	}

	private synchronized void add(Object message, Throwable error) {
		this.lines.add(message + ((error != null) ? " (" + error + ")" : ""));
	}

	@Override
	public boolean isFatalEnabled() {
		return true;
	}

	@Override
	public boolean isErrorEnabled() {
		return true;
	}

	@Override
	public boolean isWarnEnabled() {
		return true;
	}

	@Override
	public boolean isInfoEnabled() {
		return true;
	}

	@Override
	public boolean isDebugEnabled() {
		return true;
	}

	@Override
	public boolean isTraceEnabled() {
		return false;
	}

	@Override
	public void fatal(Object message) {
		add(message, null);
	}

	@Override
	public void fatal(Object message, Throwable error) {
		add(message, error);
	}

	@Override
	public void error(Object message) {
		add(message, null);
	}

	@Override
	public void error(Object message, Throwable error) {
		add(message, error);
	}

	@Override
	public void warn(Object message) {
		add(message, null);
	}

	@Override
	public void warn(Object message, Throwable error) {
		add(message, error);
	}

	@Override
	public void info(Object message) {
		add(message, null);
	}

	@Override
	public void info(Object message, Throwable error) {
		add(message, error);
	}

	@Override
	public void debug(Object message) {
		add(message, null);
	}

	@Override
	public void debug(Object message, Throwable error) {
		add(message, error);
	}

	@Override
	public void trace(Object message) {
	}

	@Override
	public void trace(Object message, Throwable error) {
	}

}

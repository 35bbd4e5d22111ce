package io.github.etcdconfig.cli.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Samples what every instance of a {@link Fleet} sees, every 10 ms, for as long as it
 * runs: each instance's refresh count and values over its loopback socket, each sample
 * kept with the time it was answered ({@link System#nanoTime()}). A frozen or killed
 * instance simply has no samples while it does not answer; each instance has a sampling
 * thread of its own, so a slow answer never delays the other instances' samples.
 */
public final class FleetProbe implements AutoCloseable {

	/** How often each instance is sampled. */
	public static final Duration PERIOD = Duration.ofMillis(10);

	private static final Duration TIMEOUT = Duration.ofMillis(250);

	private final Fleet fleet;

	private final Map<String, List<Sample>> samples = new ConcurrentHashMap<>();

	private final List<Thread> samplers = new ArrayList<>();

	private volatile boolean running = true;

	private FleetProbe(Fleet fleet) {
		this.fleet = fleet;
		for (String id : fleet.ids()) {
			this.samples.put(id, new ArrayList<>());
		}
	}

	/**
	 * Start sampling every instance every {@link #PERIOD}, each on a thread of its own.
	 * @param fleet the instances
	 * @return the running probe
	 */
	public static FleetProbe start(Fleet fleet) {
		FleetProbe probe = new FleetProbe(fleet);
		for (String id : fleet.ids()) {
			Thread thread = new Thread(() -> probe.sample(id), "fleet-probe-" + id);
			thread.setDaemon(true);
			probe.samplers.add(thread);
			thread.start();
		}
		return probe;
	}

	/**
	 * Every sample of an instance so far, oldest first.
	 * @param id the instance
	 * @return its samples
	 */
	public List<Sample> samples(String id) {
		List<Sample> list = this.samples.get(id);
		synchronized (list) {
			return List.copyOf(list);
		}
	}

	/**
	 * How many samples of an instance match.
	 * @param id the instance
	 * @param predicate what to count
	 * @return the count
	 */
	public long count(String id, Predicate<Sample> predicate) {
		return samples(id).stream().filter(predicate).count();
	}

	/**
	 * The latest sample of an instance.
	 * @param id the instance
	 * @return the sample, empty before the first answer
	 */
	public Optional<Sample> latest(String id) {
		List<Sample> list = samples(id);
		return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
	}

	/**
	 * The first sample of an instance at or after a time that matches.
	 * @param id the instance
	 * @param since a {@link System#nanoTime()}
	 * @param predicate what to find
	 * @return the sample, if any yet
	 */
	public Optional<Sample> first(String id, long since, Predicate<Sample> predicate) {
		return samples(id).stream().filter((sample) -> sample.at() >= since).filter(predicate).findFirst();
	}

	/**
	 * Whether the latest sample of an instance, taken at or after a time, matches.
	 * @param id the instance
	 * @param since a {@link System#nanoTime()}
	 * @param predicate what to test
	 * @return whether it matches
	 */
	public boolean now(String id, long since, Predicate<Sample> predicate) {
		return latest(id).filter((sample) -> sample.at() >= since).filter(predicate).isPresent();
	}

	@Override
	public void close() {
		this.running = false;
		for (Thread thread : this.samplers) {
			try {
				thread.join(TIMEOUT.toMillis() * 4);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	// A connection kept open; a sample every period, on a fixed schedule. A frozen
	// instance times the read out, a killed one refuses: both are retried next period.
	private void sample(String id) {
		long next = System.nanoTime();
		Socket socket = null;
		BufferedReader in = null;
		while (this.running) {
			try {
				if (socket == null) {
					socket = new Socket();
					socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.fleet.port(id)),
							(int) TIMEOUT.toMillis());
					socket.setSoTimeout((int) TIMEOUT.toMillis());
					socket.setTcpNoDelay(true);
					in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
				}
				socket.getOutputStream().write('\n');
				String line = in.readLine();
				if (line == null) {
					throw new IOException("closed");
				}
				record(id, Sample.parse(System.nanoTime(), line));
			}
			catch (IOException | RuntimeException ex) {
				closeQuietly(socket);
				socket = null;
			}
			next += PERIOD.toNanos();
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			else {
				// Behind (a timed-out read): no burst of catch-up samples.
				next = System.nanoTime();
			}
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Gone already.
			}
		}
	}

	private void record(String id, Sample sample) {
		List<Sample> list = this.samples.get(id);
		synchronized (list) {
			list.add(sample);
		}
	}

	/**
	 * What an instance saw at one moment.
	 *
	 * @param at when the answer came, {@link System#nanoTime()}
	 * @param refreshes how many changes from etcd reached it so far
	 * @param value its {@code roll.value}, empty when absent
	 * @param limit its {@code roll.limit}, empty when absent
	 */
	public record Sample(long at, long refreshes, String value, String limit) {

		static Sample parse(long at, String line) {
			String[] fields = line.split("\t", -1);
			return new Sample(at, Long.parseLong(fields[0]), fields[1], fields[2]);
		}

		/**
		 * Whether the instance sees a value.
		 * @param expected the value of {@code roll.value}
		 * @return whether it is the value
		 */
		public boolean hasValue(String expected) {
			return Objects.equals(this.value, expected);
		}

	}

}

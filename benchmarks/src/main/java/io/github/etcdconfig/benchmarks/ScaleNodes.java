package io.github.etcdconfig.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The node JVMs of one cell, seen from the benchmark: each is a {@link ScaleNode} in a
 * process of its own, driven by one command line at a time. A command goes to every node
 * before any answer is read, so the nodes work on it together.
 */
final class ScaleNodes implements AutoCloseable {

	private final List<Node> nodes = new ArrayList<>();

	private ScaleNodes() {
	}

	/**
	 * Start the node JVMs.
	 * @param count how many
	 * @param endpoints etcd's client URLs, comma-separated
	 * @param heap each node's heap, for -Xms and -Xmx
	 * @param nice the niceness they run at, with {@code nice}; 0: as this JVM
	 * @param instanceSettings the instances' settings beyond the defaults, as
	 * {@link ScaleInstance#SETTINGS} takes them
	 * @param logs where each node's standard error goes
	 * @return the nodes
	 */
	static ScaleNodes start(int count, String endpoints, String heap, int nice, String instanceSettings, Path logs)
			throws IOException {
		ScaleNodes nodes = new ScaleNodes();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		for (int i = 0; i < count; i++) {
			List<String> command = new ArrayList<>();
			if (nice != 0) {
				// Every thread of the JVM inherits it, as Linux's renice of a running
				// process would not give them.
				command.addAll(List.of("nice", "-n", Integer.toString(nice)));
			}
			command.addAll(List.of(java, "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-Xss512k",
					"-D" + ScaleInstance.SETTINGS + "=" + instanceSettings, "-cp",
					System.getProperty("java.class.path"), ScaleNode.class.getName(), endpoints));
			Process process = new ProcessBuilder(command)
				.redirectError(logs.resolve("scale-node-" + i + ".log").toFile())
				.start();
			nodes.nodes.add(new Node(process));
		}
		return nodes;
	}

	int size() {
		return this.nodes.size();
	}

	List<Long> pids() {
		return this.nodes.stream().map((node) -> node.process.pid()).toList();
	}

	/**
	 * Send the same command to every node and wait for every answer.
	 * @param command the command
	 * @return each node's answer, split at spaces
	 */
	List<String[]> call(String command) throws IOException {
		return call((i) -> command);
	}

	/**
	 * Send each node its command and wait for every answer.
	 * @param command the command of the node at an index
	 * @return each node's answer, split at spaces
	 */
	List<String[]> call(IntFunction<String> command) throws IOException {
		for (int i = 0; i < this.nodes.size(); i++) {
			this.nodes.get(i).send(command.apply(i));
		}
		List<String[]> replies = new ArrayList<>();
		for (Node node : this.nodes) {
			replies.add(node.receive());
		}
		return replies;
	}

	@Override
	public void close() {
		for (Node node : this.nodes) {
			node.process.destroy();
		}
		for (Node node : this.nodes) {
			try {
				if (!node.process.waitFor(10, TimeUnit.SECONDS)) {
					node.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				node.process.destroyForcibly();
			}
		}
	}

	private static final class Node {

		final Process process;

		final Writer commands;

		final BufferedReader replies;

		Node(Process process) {
			this.process = process;
			this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
			this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		}

		void send(String command) throws IOException {
			this.commands.write(command + "\n");
			this.commands.flush();
		}

		String[] receive() throws IOException {
			String line;
			while ((line = this.replies.readLine()) != null) {
				if (line.startsWith(ScaleNode.REPLY)) {
					String[] reply = line.substring(ScaleNode.REPLY.length()).split(" ");
					if ("failed".equals(reply[0])) {
						throw new IllegalStateException("Node " + this.process.pid() + " failed: " + line);
					}
					return reply;
				}
			}
			throw new IllegalStateException("Node " + this.process.pid() + " ended without answering (exit "
					+ (this.process.isAlive() ? "none yet" : this.process.exitValue()) + ")");
		}

	}

}

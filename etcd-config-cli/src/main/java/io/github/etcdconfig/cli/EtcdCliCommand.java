package io.github.etcdconfig.cli;

import java.io.IOException;
import java.util.concurrent.Callable;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.release.EtcdReleaseException;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the connection, the settings and the output (options of the
 * top command that every command takes, before or after its name), one client for the
 * command's run, and the exit code of each reason it did nothing.
 */
abstract class EtcdCliCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@ParentCommand
	EtcdConfigCli cli;

	EtcdCliOutput output;

	@Override
	public Integer call() {
		this.output = this.cli.output;
		this.output.open(this.spec.commandLine().getOut(), this.spec.commandLine().getErr());
		try (Client client = this.cli.connection.connect()) {
			return this.output.finish(run(new EtcdReleases(client, this.cli.settings.settings(this.cli.connection))));
		}
		catch (EtcdReleaseException ex) {
			return this.output.error(ex);
		}
	}

	/**
	 * Run the command.
	 * @param releases the releases of the etcd cluster
	 * @return the exit code
	 */
	abstract int run(EtcdReleases releases);

	/**
	 * Ask a yes-or-no question on standard error and read the answer from standard input.
	 * @param question the question
	 * @return whether the answer is yes
	 */
	boolean confirm(String question) {
		this.output.note("%s [y/N] ", question);
		try {
			String answer = this.cli.in().readLine();
			return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
		}
		catch (IOException ex) {
			return false;
		}
	}

}

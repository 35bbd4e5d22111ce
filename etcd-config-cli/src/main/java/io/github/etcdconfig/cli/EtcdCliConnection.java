package io.github.etcdconfig.cli;

import java.io.Console;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcdconfig.client.EtcdClientFactory;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.client.PropertiesEtcdConnectionDetails;
import io.github.etcdconfig.release.EtcdReleaseCalls;
import io.github.etcdconfig.release.EtcdReleaseException;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * How to reach etcd, as etcdctl takes it: the same options and the same environment
 * variables, so an operator who uses etcdctl needs nothing new. The client is built by
 * the starter's own factory. A password is never shown: not in help, output nor messages.
 */
public class EtcdCliConnection {

	@Option(scope = ScopeType.INHERIT, names = "--endpoints", split = ",", paramLabel = "URL",
			defaultValue = "${env:ETCDCTL_ENDPOINTS:-http://localhost:2379}",
			description = "etcd endpoints, comma-separated (env ETCDCTL_ENDPOINTS; default: ${DEFAULT-VALUE})")
	List<String> endpoints;

	@Option(scope = ScopeType.INHERIT, names = "--user", paramLabel = "NAME[:PASSWORD]",
			defaultValue = "${env:ETCDCTL_USER}", showDefaultValue = Visibility.NEVER,
			description = "user for etcd authentication (env ETCDCTL_USER); a password here shows in process lists, "
					+ "prefer --password or ETCDCTL_PASSWORD")
	String user;

	@Option(scope = ScopeType.INHERIT, names = "--password", arity = "0..1", interactive = true,
			paramLabel = "PASSWORD", defaultValue = "${env:ETCDCTL_PASSWORD}", showDefaultValue = Visibility.NEVER,
			description = "password of --user (env ETCDCTL_PASSWORD); asked for when given without a value")
	char[] password;

	@Option(scope = ScopeType.INHERIT, names = "--cacert", paramLabel = "FILE", defaultValue = "${env:ETCDCTL_CACERT}",
			description = "CA certificates (PEM) to verify etcd's server certificate (env ETCDCTL_CACERT)")
	Path cacert;

	@Option(scope = ScopeType.INHERIT, names = "--cert", paramLabel = "FILE", defaultValue = "${env:ETCDCTL_CERT}",
			description = "client certificate (PEM) for mutual TLS (env ETCDCTL_CERT)")
	Path cert;

	@Option(scope = ScopeType.INHERIT, names = "--key", paramLabel = "FILE", defaultValue = "${env:ETCDCTL_KEY}",
			description = "private key (PEM, PKCS#1 or PKCS#8) of --cert (env ETCDCTL_KEY)")
	Path key;

	@Option(scope = ScopeType.INHERIT, names = "--dial-timeout", paramLabel = "DURATION",
			defaultValue = "${env:ETCDCTL_DIAL_TIMEOUT:-2s}",
			description = "time to open a connection (env ETCDCTL_DIAL_TIMEOUT; default: ${DEFAULT-VALUE})")
	Duration dialTimeout;

	@Option(scope = ScopeType.INHERIT, names = "--command-timeout", paramLabel = "DURATION",
			defaultValue = "${env:ETCDCTL_COMMAND_TIMEOUT:-5s}",
			description = "deadline of every etcd call (env ETCDCTL_COMMAND_TIMEOUT; default: ${DEFAULT-VALUE})")
	Duration commandTimeout;

	/**
	 * Connect: build a client and make a first call, which opens the connection and
	 * authenticates. That call's deadline is the dial timeout and the command timeout
	 * together, as etcdctl gives a connection its own time; every later call has the
	 * command timeout.
	 * @return the client, to be closed
	 * @throws EtcdReleaseException when the options do not make a connection, or etcd
	 * cannot be reached or refuses the credentials
	 */
	Client connect() {
		Client client = client();
		try {
			// Every user may list the members: the call needs no permission on any key.
			EtcdReleaseCalls.await(client.getClusterClient().listMember(), this.dialTimeout.plus(this.commandTimeout),
					"Connecting to " + this.endpoints);
			return client;
		}
		catch (EtcdReleaseException ex) {
			client.close();
			if (ex.getReason() == EtcdReleaseException.Reason.INVALID && this.user != null) {
				// The call takes no argument: what etcd can reject is the user and
				// password.
				throw new EtcdReleaseException(EtcdReleaseException.Reason.DENIED, ex.getMessage(), ex);
			}
			throw ex;
		}
		catch (RuntimeException ex) {
			client.close();
			throw ex;
		}
	}

	private Client client() {
		EtcdProperties settings = new EtcdProperties();
		boolean tls = this.cacert != null || this.cert != null;
		settings.setEndpoints(this.endpoints.stream().map((endpoint) -> uri(endpoint, tls)).toList());
		settings.setConnectTimeout(this.dialTimeout);
		settings.setRequestTimeout(this.commandTimeout);
		if (this.user != null && !this.user.isEmpty()) {
			int colon = this.user.indexOf(':');
			settings.setUsername((colon < 0) ? this.user : this.user.substring(0, colon));
			settings.setPassword((colon >= 0) ? this.user.substring(colon + 1) : password(settings.getUsername()));
		}
		try {
			return EtcdClientFactory.standard(List.of())
				.create(new PropertiesEtcdConnectionDetails(settings, sslBundle()), settings);
		}
		catch (RuntimeException ex) {
			throw new EtcdReleaseException(EtcdReleaseException.Reason.INVALID,
					"Cannot connect to " + this.endpoints + ": " + ex.getMessage(), ex);
		}
	}

	Duration timeout() {
		return this.commandTimeout;
	}

	private String password(String username) {
		if (this.password != null && this.password.length > 0) {
			return new String(this.password);
		}
		Console console = System.console();
		if (console != null) {
			char[] typed = console.readPassword("Password of %s: ", username);
			if (typed != null) {
				return new String(typed);
			}
		}
		throw EtcdCliErrors.invalid("No password for user " + username
				+ ": give --password, set ETCDCTL_PASSWORD, or --user NAME:PASSWORD");
	}

	// etcdctl takes host:port; jetcd wants a scheme.
	private static URI uri(String endpoint, boolean tls) {
		String trimmed = endpoint.trim();
		try {
			return URI.create(trimmed.contains("://") ? trimmed : ((tls ? "https://" : "http://") + trimmed));
		}
		catch (IllegalArgumentException ex) {
			throw EtcdCliErrors.invalid("The endpoint '" + trimmed + "' is not a URL such as http://127.0.0.1:2379");
		}
	}

	private SslBundle sslBundle() {
		if (this.cacert == null && this.cert == null) {
			return null;
		}
		if ((this.cert == null) != (this.key == null)) {
			throw EtcdCliErrors.invalid("--cert and --key go together");
		}
		PemSslStoreDetails keyStore = (this.cert != null)
				? PemSslStoreDetails.forCertificate(location(this.cert)).withPrivateKey(location(this.key)) : null;
		PemSslStoreDetails trustStore = (this.cacert != null) ? PemSslStoreDetails.forCertificate(location(this.cacert))
				: null;
		try {
			return SslBundle.of(new PemSslStoreBundle(keyStore, trustStore));
		}
		catch (RuntimeException ex) {
			throw EtcdCliErrors.invalid("Cannot read the TLS files: " + ex.getMessage());
		}
	}

	private static String location(Path file) {
		return "file:" + file.toAbsolutePath();
	}

}

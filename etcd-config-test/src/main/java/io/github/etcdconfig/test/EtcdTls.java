package io.github.etcdconfig.test;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * TLS material for tests, generated in-process: a CA, a server certificate for
 * {@code 127.0.0.1} and {@code localhost} and a client certificate, all RSA 2048 /
 * SHA256withRSA PEM files valid for one day. Generating needs BouncyCastle
 * ({@code org.bouncycastle:bcpkix-jdk18on}) on the test classpath.
 */
public final class EtcdTls {

	private final Path dir;

	private volatile SslContext clientSslContext;

	private EtcdTls(Path dir) {
		this.dir = dir;
	}

	/** Writes fresh TLS material into {@code dir} (created if missing). */
	public static EtcdTls generate(Path dir) {
		try {
			TlsFiles.write(dir);
		}
		catch (NoClassDefFoundError e) {
			throw new IllegalStateException(
					"Generating TLS material needs org.bouncycastle:bcpkix-jdk18on on the test classpath", e);
		}
		return new EtcdTls(dir);
	}

	/** The CA certificate (PEM) that signed the server and client certificates. */
	public Path caCert() {
		return dir.resolve(TlsFiles.CA_CERT);
	}

	/**
	 * The server certificate (PEM), SANs IP 127.0.0.1 and DNS localhost, usable for
	 * server and client auth.
	 */
	public Path serverCert() {
		return dir.resolve(TlsFiles.SERVER_CERT);
	}

	/** The server's private key, PKCS#8 PEM. */
	public Path serverKey() {
		return dir.resolve(TlsFiles.SERVER_KEY);
	}

	/** The client certificate (PEM), CN {@code etcd-test-client}. */
	public Path clientCert() {
		return dir.resolve(TlsFiles.CLIENT_CERT);
	}

	/** The client's private key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
	public Path clientKeyPkcs8() {
		return dir.resolve(TlsFiles.CLIENT_KEY_PKCS8);
	}

	/** The same client key as PKCS#1 PEM ({@code -----BEGIN RSA PRIVATE KEY-----}). */
	public Path clientKeyPkcs1() {
		return dir.resolve(TlsFiles.CLIENT_KEY_PKCS1);
	}

	/**
	 * A gRPC client context that trusts the CA and presents the client certificate
	 * (harmless when the server does not ask for one). Built once and shared.
	 */
	public SslContext clientSslContext() {
		SslContext context = clientSslContext;
		if (context == null) {
			synchronized (this) {
				if (clientSslContext == null) {
					clientSslContext = buildClientSslContext();
				}
				context = clientSslContext;
			}
		}
		return context;
	}

	private SslContext buildClientSslContext() {
		try {
			return GrpcSslContexts.forClient()
				.trustManager(caCert().toFile())
				.keyManager(clientCert().toFile(), clientKeyPkcs8().toFile())
				.build();
		}
		catch (SSLException e) {
			throw new UncheckedIOException("Cannot build an SSL context from " + dir, e);
		}
	}

}

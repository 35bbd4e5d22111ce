package io.github.etcdconfig.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Writes the PEM files behind {@link EtcdTls}. Kept apart so that BouncyCastle, an
 * optional dependency, is only loaded when TLS material is actually generated.
 */
final class TlsFiles {

	static final String CA_CERT = "ca.pem";
	static final String SERVER_CERT = "server.pem";
	static final String SERVER_KEY = "server-key.pem";
	static final String CLIENT_CERT = "client.pem";
	static final String CLIENT_KEY_PKCS8 = "client-key.pem";
	static final String CLIENT_KEY_PKCS1 = "client-key-rsa.pem";

	private static final Duration VALIDITY = Duration.ofDays(1);

	// tolerate clocks that are slightly behind
	private static final Duration BACKDATE = Duration.ofHours(1);

	private static final SecureRandom RANDOM = new SecureRandom();

	private TlsFiles() {
	}

	static void write(Path dir) {
		try {
			Files.createDirectories(dir);
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair caKeys = generator.generateKeyPair();
			KeyPair serverKeys = generator.generateKeyPair();
			KeyPair clientKeys = generator.generateKeyPair();
			X500Name caName = new X500Name("CN=etcd-test CA");
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

			X509v3CertificateBuilder ca = builder(caName, caName, caKeys.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
			X509Certificate caCert = sign(ca, caKeys.getPrivate());

			// etcd's gRPC gateway dials the server with the server certificate, so it
			// needs client auth too
			X509v3CertificateBuilder server = leaf(caCert, caName, "localhost", serverKeys.getPublic(), extensions,
					KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth)
				.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
								new GeneralName(GeneralName.dNSName, "localhost") }));
			X509v3CertificateBuilder client = leaf(caCert, caName, "etcd-test-client", clientKeys.getPublic(),
					extensions, KeyPurposeId.id_kp_clientAuth);

			writePem(dir.resolve(CA_CERT), "CERTIFICATE", caCert.getEncoded());
			writePem(dir.resolve(SERVER_CERT), "CERTIFICATE", sign(server, caKeys.getPrivate()).getEncoded());
			writePem(dir.resolve(SERVER_KEY), "PRIVATE KEY", serverKeys.getPrivate().getEncoded());
			writePem(dir.resolve(CLIENT_CERT), "CERTIFICATE", sign(client, caKeys.getPrivate()).getEncoded());
			writePem(dir.resolve(CLIENT_KEY_PKCS8), "PRIVATE KEY", clientKeys.getPrivate().getEncoded());
			writePem(dir.resolve(CLIENT_KEY_PKCS1), "RSA PRIVATE KEY", pkcs1(clientKeys.getPrivate()));
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot write TLS material to " + dir, e);
		}
		catch (GeneralSecurityException | OperatorCreationException e) {
			throw new IllegalStateException("Cannot generate TLS material", e);
		}
	}

	private static X509v3CertificateBuilder leaf(X509Certificate caCert, X500Name caName, String commonName,
			PublicKey key, JcaX509ExtensionUtils extensions, KeyPurposeId... purposes)
			throws IOException, GeneralSecurityException {
		return builder(caName, new X500Name("CN=" + commonName), key)
			.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
			.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
			.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
			.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCert));
	}

	private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key) {
		Instant now = Instant.now();
		return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
				Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), subject, key);
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey caKey)
			throws OperatorCreationException, GeneralSecurityException {
		return new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey)));
	}

	private static byte[] pkcs1(PrivateKey key) throws IOException {
		return PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
	}

	private static void writePem(Path file, String type, byte[] der) throws IOException {
		String body = Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der);
		Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
	}

}

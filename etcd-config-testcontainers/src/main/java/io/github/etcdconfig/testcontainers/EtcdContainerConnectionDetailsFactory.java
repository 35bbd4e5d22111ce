package io.github.etcdconfig.testcontainers;

import java.net.URI;
import java.util.List;

import io.github.etcdconfig.client.EtcdConnectionDetails;
import io.github.etcdconfig.test.EtcdContainer;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * {@link EtcdConnectionDetails} from an {@link EtcdContainer} annotated with
 * {@code @ServiceConnection}, so the application's jetcd {@code Client} bean connects to
 * the container.
 *
 * <p>
 * It does not reach the configuration loader, which reads etcd before the application
 * context, and so before any connection details, exists.
 */
class EtcdContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<EtcdContainer, EtcdConnectionDetails> {

	@Override
	protected EtcdConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<EtcdContainer> source) {
		return new EtcdContainerConnectionDetails(source);
	}

	static final class EtcdContainerConnectionDetails extends ContainerConnectionDetails<EtcdContainer>
			implements EtcdConnectionDetails {

		EtcdContainerConnectionDetails(ContainerConnectionSource<EtcdContainer> source) {
			super(source);
		}

		@Override
		public List<URI> getEndpoints() {
			return List.of(getContainer().clientEndpoint());
		}

		// Public, as EtcdConnectionDetails declares it: the bundle of an @Ssl annotation
		// on the container, if any.
		@Override
		public SslBundle getSslBundle() {
			return super.getSslBundle();
		}

	}

}

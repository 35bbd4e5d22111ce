package io.github.etcdconfig.release;

/**
 * How files become a release of a layer.
 *
 * @param prune whether keys of the layer that the files do not hold are deleted (never a
 * key of another layer)
 * @param document the name of one document key to hold the file as it is (such as
 * {@code application.yml}), or {@code null} to turn every property into a key of its own
 */
public record EtcdPushOptions(boolean prune, String document) {

	/** Every property a key, nothing deleted. */
	public static final EtcdPushOptions DEFAULT = new EtcdPushOptions(false, null);

}

package io.github.etcdconfig.console.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdReleases;

import org.springframework.util.StringUtils;

/**
 * A layer as pages name it and link to it: {@code app} and {@code profile} request
 * parameters, none for the shared layer.
 *
 * @param application the application, or {@code null} for the shared layer
 * @param profile the profile, or {@code null}
 * @param prefix the layer's prefix
 */
public record EtcdLayerLink(String application, String profile, String prefix) {

	/**
	 * The link of a layer.
	 * @param layer the layer
	 * @return the link
	 */
	public static EtcdLayerLink of(EtcdLayer layer) {
		return new EtcdLayerLink(layer.application(), layer.profile(), layer.prefix());
	}

	/**
	 * The layer named by request parameters.
	 * @param releases the releases
	 * @param application the {@code app} parameter, blank for the shared layer
	 * @param profile the {@code profile} parameter, blank for none
	 * @return the layer
	 * @throws io.github.etcdconfig.release.EtcdReleaseException (invalid) when the
	 * prefixes have no such layer
	 */
	public static EtcdLayer layer(EtcdReleases releases, String application, String profile) {
		return releases.layer(StringUtils.hasText(application) ? application : null,
				StringUtils.hasText(profile) ? profile : null);
	}

	/**
	 * What the layer is, for people.
	 * @return such as {@code billing, profile canary}
	 */
	public String label() {
		if (this.application == null) {
			return "shared";
		}
		return (this.profile != null) ? "profile " + this.profile : this.application;
	}

	/**
	 * The request parameters that name the layer.
	 * @return such as {@code app=billing&profile=canary}, empty for the shared layer
	 */
	public String query() {
		StringBuilder query = new StringBuilder();
		if (this.application != null) {
			query.append("app=").append(URLEncoder.encode(this.application, StandardCharsets.UTF_8));
		}
		if (this.profile != null) {
			query.append("&profile=").append(URLEncoder.encode(this.profile, StandardCharsets.UTF_8));
		}
		return query.toString();
	}

}

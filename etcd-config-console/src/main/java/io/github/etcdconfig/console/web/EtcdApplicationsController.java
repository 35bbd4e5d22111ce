package io.github.etcdconfig.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.console.security.EtcdConsoleAccess;
import io.github.etcdconfig.release.EtcdConfigView;
import io.github.etcdconfig.release.EtcdInstanceStatus;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdProperty;
import io.github.etcdconfig.release.EtcdRelease;
import io.github.etcdconfig.release.EtcdReleaseMasks;
import io.github.etcdconfig.release.EtcdReleases;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The applications, and one application's effective properties by profile.
 */
@Controller
public class EtcdApplicationsController {

	private final EtcdReleases releases;

	private final EtcdReleaseMasks masks;

	private final EtcdConsoleAccess access;

	public EtcdApplicationsController(EtcdReleases releases, EtcdReleaseMasks masks, EtcdConsoleAccess access) {
		this.releases = releases;
		this.masks = masks;
		this.access = access;
	}

	/**
	 * Every application with its layers, its instances, its newest release and how many
	 * instances have applied it; the shared layer first.
	 */
	@GetMapping("/")
	public String applications(Model model) {
		List<EtcdInstanceStatus> instances = this.releases.instances(null);
		List<Row> rows = new ArrayList<>();
		rows.add(row(null, instances));
		for (String application : this.releases.applications()) {
			rows.add(row(application,
					instances.stream().filter((instance) -> instance.service().equals(application)).toList()));
		}
		model.addAttribute("applications", rows);
		return "applications";
	}

	private Row row(String application, List<EtcdInstanceStatus> instances) {
		List<EtcdLayer> layers = this.releases.layers(application);
		EtcdRelease newest = this.releases.newest(application);
		long applied = (newest != null)
				? instances.stream().filter((instance) -> instance.hasApplied(newest.revision())).count() : 0;
		return new Row(application, layers.stream().map(EtcdLayerLink::of).toList(), instances.size(), newest, applied);
	}

	/**
	 * One application: its layers, its effective properties in a profile (each with the
	 * layer, key and revision it comes from, and the lower layers it overrides), its
	 * instances, and its staged rollout while one runs.
	 */
	@GetMapping("/apps/{application}")
	public String application(@PathVariable String application, @RequestParam(required = false) String profile,
			Authentication user, Model model) {
		EtcdLayer chosen = EtcdLayerLink.layer(this.releases, application, profile);
		EtcdConfigView view = this.releases.effective(chosen);
		Map<String, List<String>> overrides = this.releases.overrides(view);
		List<PropertyRow> properties = view.properties()
			.stream()
			.map((property) -> new PropertyRow(this.masks.show(property),
					overrides.getOrDefault(property.name(), List.of())))
			.toList();
		List<EtcdLayer> layers = this.releases.layers(application);
		model.addAttribute("appName", application);
		model.addAttribute("profile", StringUtils.hasText(profile) ? profile : null);
		model.addAttribute("profiles", this.releases.profiles(application));
		model.addAttribute("revision", view.revision());
		model.addAttribute("properties", properties);
		model.addAttribute("problems", view.problems());
		model.addAttribute("layers", layers.stream().map(EtcdLayerLink::of).toList());
		model.addAttribute("instances", this.releases.instances(application));
		model.addAttribute("newest", this.releases.newest(application));
		model.addAttribute("canPublish", this.access.canPublish(user, application));
		model.addAttribute("canPublishShared", this.access.canPublish(user, null));
		model.addAttribute("stagedRollout", this.releases.rollout(application).orElse(null));
		return "application";
	}

	/**
	 * An application on the overview.
	 *
	 * @param name the application, or {@code null} for the shared layer
	 * @param layers its layers
	 * @param instances how many instances are registered
	 * @param newest its newest release, or {@code null}
	 * @param applied how many instances have applied it
	 */
	public record Row(String name, List<EtcdLayerLink> layers, int instances, EtcdRelease newest, long applied) {

	}

	/**
	 * An effective property.
	 *
	 * @param property the property, its value masked
	 * @param overrides the prefixes of lower layers that also hold it
	 */
	public record PropertyRow(EtcdProperty property, List<String> overrides) {

	}

}

package io.github.etcdconfig.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.etcdconfig.release.EtcdConfigExport;
import io.github.etcdconfig.release.EtcdConfigView;
import io.github.etcdconfig.release.EtcdLayer;
import io.github.etcdconfig.release.EtcdReleases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code export}: a layer, or the effective view, as a file that push takes back.
 */
@Command(name = "export", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Writes the layer's properties, or with --effective the view every layer resolved, as a file "
				+ "that push accepts again. Values are written as they are: the file is a copy of the configuration.",
		footerHeading = "%nExamples:%n",
		footer = { "  etcd-config export --app billing > billing.yml",
				"  etcd-config export --prefixes \"/config/,/config/{application}/,/config/{application}/{profile}/\" "
						+ "--app billing > billing.yml" })
class EtcdExportCommand extends EtcdCliCommand {

	@Mixin
	EtcdCliLayer layer;

	@Option(names = "--effective", description = "every layer resolved, as the application sees it")
	boolean effective;

	@Option(names = "--format", paramLabel = "FORMAT", defaultValue = "yaml",
			description = "yaml or properties (default: ${DEFAULT-VALUE})")
	String format;

	@Override
	int run(EtcdReleases releases) {
		EtcdConfigExport.Format chosen = EtcdConfigExport.Format.of(this.format);
		EtcdLayer target = this.layer.layer(releases);
		EtcdConfigView view = this.effective ? releases.effective(target) : releases.properties(target);
		Map<String, Object> properties = new LinkedHashMap<>();
		view.properties().forEach((property) -> properties.put(property.name(), property.value()));
		this.output.put("layer", view.layer());
		this.output.put("revision", view.revision());
		this.output.put("properties", properties);
		if (!this.output.isJson()) {
			this.spec.commandLine().getOut().print(EtcdConfigExport.write(view, chosen));
			this.spec.commandLine().getOut().flush();
		}
		view.problems().forEach((problem) -> this.output.note("%s", problem));
		return EtcdConfigCli.OK;
	}

}

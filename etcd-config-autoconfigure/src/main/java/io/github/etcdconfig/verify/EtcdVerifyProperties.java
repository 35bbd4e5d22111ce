package io.github.etcdconfig.verify;

import io.github.etcdconfig.client.EtcdValidation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Verified releases: whether this instance evaluates the changes the operator tools
 * propose before they write them, and where the proposals are.
 */
@ConfigurationProperties(prefix = EtcdVerifyProperties.PREFIX)
public class EtcdVerifyProperties implements Validator {

	/** The prefix of these settings. */
	public static final String PREFIX = "etcd.config.verify";

	/**
	 * Whether to evaluate proposed changes to the layers this instance reads and to
	 * report a verdict in its registration. Evaluating never changes a live value or
	 * bean.
	 */
	private boolean enabled = true;

	/**
	 * Key prefix of the proposals, outside every configuration prefix. A proposal for the
	 * layer "/config-apps/billing/" is the key "{prefix}config-apps/billing/{id}".
	 */
	private String prefix = "/config-proposals/";

	/**
	 * Largest proposal to evaluate; a larger one is answered IGNORED.
	 */
	private DataSize maxProposalSize = DataSize.ofMegabytes(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPrefix() {
		return this.prefix;
	}

	public void setPrefix(String prefix) {
		this.prefix = prefix;
	}

	public DataSize getMaxProposalSize() {
		return this.maxProposalSize;
	}

	public void setMaxProposalSize(DataSize maxProposalSize) {
		this.maxProposalSize = maxProposalSize;
	}

	@Override
	public boolean supports(Class<?> clazz) {
		return EtcdVerifyProperties.class.isAssignableFrom(clazz);
	}

	@Override
	public void validate(Object target, Errors errors) {
		EtcdVerifyProperties properties = (EtcdVerifyProperties) target;
		EtcdValidation.folder(errors, "prefix", properties.getPrefix(), PREFIX + ".prefix", "/config-proposals/");
		if (properties.getMaxProposalSize() == null || properties.getMaxProposalSize().toBytes() <= 0) {
			errors.rejectValue("maxProposalSize", "etcd.config.verify.invalid",
					PREFIX + ".max-proposal-size must be positive");
		}
	}

}

package io.github.etcdconfig.client;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The member choice of a client held to one of several members, without a client: each
 * move completes at once.
 */
public final class HeldChoices {

	private HeldChoices() {
	}

	/**
	 * A choice over three members whose moves complete at once.
	 * @return the choice
	 */
	public static EtcdMemberChoice ofThreeMembers() {
		EtcdMemberChoice choice = EtcdMemberChoice
			.shuffled(IntStream.range(0, 3).mapToObj((i) -> URI.create("http://127.0.0.1:" + (23790 + i))).toList());
		choice.onMove((member) -> {
			choice.published(member);
			return CompletableFuture.completedFuture(null);
		});
		return choice;
	}

}

package io.github.etcdconfig.support;

import io.github.etcdconfig.test.EtcdKeys;
import io.github.etcdconfig.test.EtcdMember;

/**
 * Leaves a member of a cluster behind: paused while more is written than the kernel keeps
 * in its socket buffers, so that once it runs again it cannot read its way up to what is
 * written next until the leader sends it the rest.
 */
public final class LaggingMember {

	private LaggingMember() {
	}

	/**
	 * Pause the member and write 16 MB past it.
	 * @param member the member to leave behind
	 * @param writer writes through another member
	 */
	public static void leaveBehind(EtcdMember member, EtcdKeys writer) {
		member.pause();
		for (int i = 0; i < 16; i++) {
			writer.put("/filler/" + i, new byte[1024 * 1024]);
		}
	}

}

package io.github.etcdconfig.console.web;

import io.github.etcdconfig.client.EtcdEndpoints;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.release.EtcdReleaseException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * A release, read or wait that did not happen is shown on a page that says why and what
 * to do: etcd unreachable, etcd's permission denied, input the applications could not
 * take, or a change made meanwhile. The release API writes nothing in each case, and its
 * messages never show a value or a password; the endpoints are shown without credentials.
 */
@ControllerAdvice
public class EtcdConsoleErrors {

	private static final Log logger = LogFactory.getLog(EtcdConsoleErrors.class);

	private final EtcdProperties etcd;

	public EtcdConsoleErrors(EtcdProperties etcd) {
		this.etcd = etcd;
	}

	@ExceptionHandler(EtcdReleaseException.class)
	public ModelAndView failed(EtcdReleaseException ex) {
		HttpStatus status = switch (ex.getReason()) {
			case INVALID -> HttpStatus.BAD_REQUEST;
			case CONFLICT -> HttpStatus.CONFLICT;
			case DENIED -> HttpStatus.FORBIDDEN;
			case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
			case REJECTED -> HttpStatus.UNPROCESSABLE_CONTENT;
		};
		String title = switch (ex.getReason()) {
			case INVALID -> "This cannot be done";
			case CONFLICT -> "Someone changed the layer meanwhile";
			case DENIED -> "etcd denied the request";
			case UNAVAILABLE -> "etcd cannot be reached";
			case REJECTED -> "An instance rejects this release";
		};
		String action = switch (ex.getReason()) {
			case INVALID -> "Nothing was written.";
			case CONFLICT -> "Nothing was written. Look at the difference again.";
			case DENIED -> "Nothing was written. The etcd user of the console (etcd.username) lacks the permission, "
					+ "or its credentials are wrong: ask the etcd administrator.";
			case UNAVAILABLE ->
				"Nothing was written. Check that etcd runs at " + EtcdEndpoints.describe(this.etcd.getEndpoints())
						+ " and that the console can reach it, then reload the page.";
			case REJECTED -> "Nothing was written. Fix the properties the instances name, and check the change again.";
		};
		if (ex.getReason() != EtcdReleaseException.Reason.INVALID
				&& ex.getReason() != EtcdReleaseException.Reason.REJECTED) {
			logger.warn(title + ": " + ex.getMessage());
		}
		ModelAndView page = new ModelAndView("failure", status);
		page.addObject("title", title);
		page.addObject("message", ex.getMessage());
		page.addObject("action", action);
		return page;
	}

}

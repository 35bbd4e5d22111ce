package io.github.etcdconfig.console.web;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;

import io.github.etcdconfig.client.EtcdEndpoints;
import io.github.etcdconfig.client.EtcdProperties;
import io.github.etcdconfig.release.EtcdReleaseException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
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

	private static final int PROBE_TIMEOUT = 1000;

	private final EtcdProperties etcd;

	private final EtcdConsoleModel pages;

	public EtcdConsoleErrors(EtcdProperties etcd, EtcdConsoleModel pages) {
		this.etcd = etcd;
		this.pages = pages;
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
			case CONFLICT -> "The release is out of date";
			case DENIED -> "etcd denied the request";
			case UNAVAILABLE -> "etcd cannot be reached";
			case REJECTED -> "An instance rejects this release";
		};
		String action = switch (ex.getReason()) {
			case INVALID -> "Nothing was written.";
			case CONFLICT -> "Nothing was written. Look at the difference again.";
			case DENIED -> "Nothing was written. The etcd user of the console (etcd.username) lacks the permission, "
					+ "or its credentials are wrong: ask the etcd administrator.";
			case UNAVAILABLE -> "Nothing was written. Check that etcd runs at " + endpoints()
					+ " and that the console can reach it, then reload the page.";
			case REJECTED -> "Nothing was written. Fix the properties the instances name, and check the change again.";
		};
		if (ex.getReason() != EtcdReleaseException.Reason.INVALID
				&& ex.getReason() != EtcdReleaseException.Reason.REJECTED) {
			logger.warn(title + ": " + ex.getMessage());
		}
		ModelAndView page = new ModelAndView("failure", status);
		page.addObject("title", title);
		page.addObject("message",
				(ex.getReason() == EtcdReleaseException.Reason.UNAVAILABLE) ? unavailable(ex) : ex.getMessage());
		page.addObject("action", action);
		// What every page shows, which an exception's page does not get by itself.
		page.addObject("userName", this.pages.userName(SecurityContextHolder.getContext().getAuthentication()));
		page.addObject("times", this.pages.times());
		return page;
	}

	// In words: gRPC's "UNAVAILABLE: io exception" tells an operator nothing.
	private String unavailable(EtcdReleaseException ex) {
		return "etcd at " + endpoints() + " does not answer (" + why(ex) + ")";
	}

	private String why(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException) {
				return "connection refused";
			}
			if (cause instanceof UnknownHostException) {
				return "unknown host";
			}
		}
		// A call that waits for etcd to be ready times out without saying why: ask the
		// endpoints themselves.
		return this.etcd.getEndpoints().stream().map(EtcdConsoleErrors::probe).findFirst().orElse("unreachable");
	}

	private static String probe(URI endpoint) {
		if (endpoint.getHost() == null || endpoint.getPort() < 0) {
			return "no answer in time";
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), PROBE_TIMEOUT);
			return "no answer in time";
		}
		catch (ConnectException ex) {
			return "connection refused";
		}
		catch (UnknownHostException ex) {
			return "unknown host";
		}
		catch (IOException ex) {
			return "no answer in time";
		}
	}

	private String endpoints() {
		return String.join(", ", this.etcd.getEndpoints().stream().map(EtcdEndpoints::redact).toList());
	}

}

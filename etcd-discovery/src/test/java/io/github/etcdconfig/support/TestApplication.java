package io.github.etcdconfig.support;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The smallest application: auto-configuration only. Tests add their own beans.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {

}

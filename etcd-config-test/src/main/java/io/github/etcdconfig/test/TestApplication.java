package io.github.etcdconfig.test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The smallest application: auto-configuration only. Tests add their own beans, as
 * sources of {@link Apps}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {

}

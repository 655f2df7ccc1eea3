package dev.muserving.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {

    @Test
    void aDirectClientIsNamedInAllThree() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.add(headers, "192.0.2.10", "http", "echo.demo.example.com");
        assertThat(headers.get("X-Forwarded-For")).isEqualTo("192.0.2.10");
        assertThat(headers.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(headers.get("Forwarded")).isEqualTo("for=192.0.2.10;proto=http;host=echo.demo.example.com");
    }

    @Test
    void earlierHopsAreKeptAndOursComesLast() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("x-forwarded-for", "203.0.113.7").add("X-Forwarded-For", "198.51.100.2")
                .add("Forwarded", "for=203.0.113.7").add("X-Forwarded-Proto", "https");
        ForwardedHeaders.add(headers, "10.0.0.5", "http", null);
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("203.0.113.7, 198.51.100.2, 10.0.0.5");
        assertThat(headers.get("Forwarded")).isEqualTo("for=203.0.113.7, for=10.0.0.5;proto=http");
        assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("http"); // the scheme this hop saw
    }

    @Test
    void blankEarlierValuesAreNotKeptAsEmptyListEntries() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", " ").add("Forwarded", "");
        ForwardedHeaders.add(headers, "10.0.0.5", "http", null);
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("10.0.0.5");
        assertThat(headers.getAll("Forwarded")).containsExactly("for=10.0.0.5;proto=http");
    }

    @Test
    void ipv6AndHostsWithPortsAreQuotedAsRfc7239Says() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.add(headers, "2001:db8::1", "http", "localhost:8080");
        assertThat(headers.get("Forwarded")).isEqualTo("for=\"[2001:db8::1]\";proto=http;host=\"localhost:8080\"");
        assertThat(headers.get("X-Forwarded-For")).isEqualTo("2001:db8::1");
    }
}

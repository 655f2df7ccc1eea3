package dev.muserving.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.FunctionKey;
import org.junit.jupiter.api.Test;

class RequestAddressTest {

    private static final FunctionKey ECHO = new FunctionKey("demo", "echo");

    @Test
    void thePathFormNamesTheFunctionAndKeepsTheRest() {
        assertThat(RequestAddress.of(null, "/fn/demo/echo/a/b?x=1", "example.com")).isEqualTo(new RequestAddress(ECHO, "/a/b?x=1"));
        assertThat(RequestAddress.of(null, "/fn/demo/echo", "example.com")).isEqualTo(new RequestAddress(ECHO, "/"));
        assertThat(RequestAddress.of(null, "/fn/demo/echo?x=1", "example.com")).isEqualTo(new RequestAddress(ECHO, "/?x=1"));
    }

    @Test
    void percentEncodedUnreservedCharactersInThePathFormMeanThemselves() {
        assertThat(RequestAddress.of(null, "/fn/demo/%65cho/a%2Fb", "example.com")).isEqualTo(new RequestAddress(ECHO, "/a%2Fb"));
        assertThat(RequestAddress.of(null, "/fn/%64emo/ech%6F", "example.com")).isEqualTo(new RequestAddress(ECHO, "/"));
        // anything else encoded is no DNS label, so it names no function
        assertThat(RequestAddress.of(null, "/fn/demo/ec%2Fho", "example.com")).isNull();
        assertThat(RequestAddress.of(null, "/fn/demo/echo%", "example.com")).isNull();
        assertThat(RequestAddress.of(null, "/fn/demo/%6", "example.com")).isNull();
        assertThat(RequestAddress.of(null, "/fn/demo/%45CHO", "example.com")).as("an upper-case name is still no label").isNull();
    }

    /** Found by an outside probe: /fn/demo/HDR got the words of a request that names nothing. */
    @Test
    void aPathWhoseNameIsNoLabelSaysWhichSegmentIsWrong() {
        assertThat(RequestAddress.whyNoFunction("/fn/demo/HDR/x")).contains("the function name 'HDR' is no DNS label"
                + " (at most 63 lower-case letters, digits and '-')");
        assertThat(RequestAddress.whyNoFunction("/fn/My_Ns/echo")).hasValueSatisfying(why -> assertThat(why).startsWith("the namespace 'My_Ns'"));
        assertThat(RequestAddress.whyNoFunction("/fn/demo")).contains("the path has no function after its namespace");
        assertThat(RequestAddress.whyNoFunction("/fn/demo/echo/")).isEmpty();
        assertThat(RequestAddress.whyNoFunction("/other")).isEmpty();
    }

    @Test
    void dotSegmentsAreNotResolvedSoAPathCannotClimbOutOfItsFunction() {
        assertThat(RequestAddress.of(null, "/fn/demo/../demo/echo", "example.com")).isNull();
        assertThat(RequestAddress.of(null, "/fn/demo/echo/../../other/fn", "example.com"))
                .isEqualTo(new RequestAddress(ECHO, "/../../other/fn"));
    }

    @Test
    void theHostFormKeepsTheUriAndIgnoresThePortAndCase() {
        assertThat(RequestAddress.of("Echo.Demo.example.com:8080", "/p", "example.com")).isEqualTo(new RequestAddress(ECHO, "/p"));
        assertThat(RequestAddress.of("echo.demo.mu.local", "/", "mu.local")).isEqualTo(new RequestAddress(ECHO, "/"));
        assertThat(RequestAddress.of("echo.demo.example.com.:80", "/", "example.com")).isEqualTo(new RequestAddress(ECHO, "/"));
    }

    @Test
    void requestsThatNameNoFunctionGetNoAddress() {
        assertThat(RequestAddress.of("localhost:8080", "/", "example.com")).isNull();
        assertThat(RequestAddress.of("a.b.c.example.com", "/", "example.com")).isNull();
        assertThat(RequestAddress.of("echo.example.com", "/", "example.com")).isNull();
        assertThat(RequestAddress.of(null, "/fn/demo", "example.com")).isNull();
        assertThat(RequestAddress.of(null, "/fn/Demo/echo/", "example.com")).isNull();
        assertThat(RequestAddress.of(null, "/fn/demo/-echo/", "example.com")).isNull();
        assertThat(RequestAddress.of(null, "/", "example.com")).isNull();
    }

    @Test
    void anAbsoluteFormTargetGivesItsAuthorityAndOriginFormAndAnyOtherKeepsTheHostHeader() {
        assertThat(RequestTarget.of("http://Echo.demo.example.com:80/a?b=1", "other"))
                .isEqualTo(new RequestTarget("Echo.demo.example.com:80", "/a?b=1", true));
        assertThat(RequestTarget.of("HTTPS://h", "other")).isEqualTo(new RequestTarget("h", "/", true));
        assertThat(RequestTarget.of("http://h?x=1", null)).isEqualTo(new RequestTarget("h", "/?x=1", true));
        assertThat(RequestTarget.of("/p?q", "h:8080")).isEqualTo(new RequestTarget("h:8080", "/p?q", false));
        assertThat(RequestTarget.of("/p", null)).isEqualTo(new RequestTarget(null, "/p", false));
    }
}

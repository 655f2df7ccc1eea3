package dev.muserving.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class HeaderCopyTest {

    @Test
    void endToEndHeadersCrossWithEveryValueAndHopByHopOnesStay() {
        MultiMap from = MultiMap.caseInsensitiveMultiMap()
                .add("Accept", "text/plain").add("Cookie", "a=1").add("Cookie", "b=2")
                .add("Connection", "keep-alive").add("Keep-Alive", "timeout=5").add("TE", "trailers")
                .add("Transfer-Encoding", "chunked").add("Upgrade", "h2c").add("Trailer", "X-Sum")
                .add("Proxy-Authorization", "Basic eA==").add("Content-Length", "12");
        MultiMap to = MultiMap.caseInsensitiveMultiMap();
        HeaderCopy.request(from, to);
        assertThat(to.names()).containsExactlyInAnyOrder("Accept", "Cookie", "Content-Length");
        assertThat(to.getAll("cookie")).containsExactly("a=1", "b=2");
    }

    @Test
    void headersTheConnectionHeaderNamesStayOnTheirConnection() {
        MultiMap from = MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "close, X-Hop").add("x-hop", "1").add("X-Kept", "2");
        MultiMap to = MultiMap.caseInsensitiveMultiMap();
        HeaderCopy.response(from, to);
        assertThat(to.names()).containsExactly("X-Kept");
    }

    @Test
    void muHeadersNeverCrossAndHostGoesSeparatelyToThePod() {
        MultiMap from = MultiMap.caseInsensitiveMultiMap()
                .add("Host", "echo.default.example.com").add("Mu-Queue-Length", "3").add("mu-anything", "x").add("Date", "today")
                .add("Mu_Pod", "spoofed").add("mU_deadline", "0"); // CGI and WSGI read these as Mu-Pod, Mu-Deadline
        MultiMap request = MultiMap.caseInsensitiveMultiMap();
        HeaderCopy.request(from, request);
        assertThat(request.names()).containsExactly("Date");
        MultiMap response = MultiMap.caseInsensitiveMultiMap();
        HeaderCopy.response(from, response);
        assertThat(response.names()).containsExactlyInAnyOrder("Host", "Date");
    }
}

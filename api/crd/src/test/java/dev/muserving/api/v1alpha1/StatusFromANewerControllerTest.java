package dev.muserving.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** In a rolling upgrade a newer controller writes status fields an older activator-lb does not know. */
class StatusFromANewerControllerTest {

    @Test
    void unknownStatusFieldsAreSkippedAndTheRestIsRead() {
        Function fn = Serialization.unmarshal("""
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata: {name: echo, namespace: demo}
                spec: {image: registry.example/echo:1}
                status:
                  url: http://echo.demo.example.com
                  fromTheFuture: 1
                  replicas: {desired: 2, ready: 2, warm: 1}
                  byArchitecture: {amd64: {ready: 2, coldStarts: 7}}
                """, Function.class);
        assertThat(fn.getStatus().url).isEqualTo("http://echo.demo.example.com");
        assertThat(fn.getStatus().replicas.desired).isEqualTo(2);
        assertThat(fn.getStatus().byArchitecture.get("amd64").ready).isEqualTo(2);
    }
}

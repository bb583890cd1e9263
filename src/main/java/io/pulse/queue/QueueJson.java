package io.pulse.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The queue's JSON, the same for `pulse queue --json` and the HTTP API. */
public final class QueueJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private QueueJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}

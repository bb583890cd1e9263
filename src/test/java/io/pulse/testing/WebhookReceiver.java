package io.pulse.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local webhook endpoint that misbehaves on purpose: it answers 503 to its first {@code failFirst}
 * requests, and keeps the first request of each key in {@code slowKeys} waiting {@code delayMs}
 * before it answers 200 (the sender has given up by then, so it sends again: a duplicate). It
 * records every request it processed (all but the 503s), duplicates included.
 */
public final class WebhookReceiver implements AutoCloseable {
    public record Received(String key, String body) {}

    private final HttpServer server;
    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<String> slowedOnce = ConcurrentHashMap.newKeySet();

    public WebhookReceiver(int failFirst, Set<String> slowKeys, long delayMs) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            int status = 200;
            if (requests.incrementAndGet() <= failFirst) {
                status = 503;
            } else {
                received.add(new Received(key, body)); // processed: only the answer may come too late
                if (slowKeys.contains(key) && slowedOnce.add(key)) {
                    try {
                        Thread.sleep(delayMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            byte[] answer = (status == 200 ? "ok" : "busy").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

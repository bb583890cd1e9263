package io.pulse.queue;

/** One row of an action's history: who moved it from which status to which, when, and why. */
public record Transition(String at, String actor, String from, String to, String note) {}

package io.pulse.queue;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/** An action with its history, oldest transition first: what {@code show} prints. */
public record ActionDetail(@JsonUnwrapped QueuedAction action, List<Transition> history) {}

package dev.pmsconversations.model;

/** Who wrote a message. Names are the wire values. */
public enum SenderType { Owner, Guest, Log }

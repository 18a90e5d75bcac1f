package dev.pmsconversations.model;

/** Whether the recipient has seen a message. */
public enum SeenStatus { SEEN, UNSEEN, UNKNOWN }

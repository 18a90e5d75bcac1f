package dev.pmsconversations.model;

/** Delivery status of a message. */
public enum MessageStatus { CREATED, PENDING, SENT, DELIVERED, FAILED }

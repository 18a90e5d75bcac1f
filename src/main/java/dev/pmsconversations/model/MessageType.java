package dev.pmsconversations.model;

/** The channel a message went through. */
public enum MessageType { EMAIL, SMS, WHATSAPP, CHANNEL, MESSENGER, UNKNOWN }

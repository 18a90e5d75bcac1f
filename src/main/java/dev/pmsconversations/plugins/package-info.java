/**
 * Plugins: jars of Camel components (and their libraries) in a directory, loaded at start-up for routes and uri
 * sinks, and resolved into it from a Maven repository by {@code plugins add}.
 */
package dev.pmsconversations.plugins;

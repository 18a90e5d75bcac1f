/**
 * Which Camel components and languages this runtime can use, and the checks that name a missing one before Camel
 * starts: in sink URIs (the configuration) and in route files (the runtime's and the user's own).
 */
package dev.pmsconversations.components;

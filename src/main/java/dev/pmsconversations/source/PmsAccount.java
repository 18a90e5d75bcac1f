package dev.pmsconversations.source;

import dev.pmsconversations.config.AccountConfig;
import dev.pmsconversations.config.Secret;

/**
 * One account of one PMS, as every part of its client sees it: the source file, the account's configuration, the base
 * URL (the account's own, else the file's), and how a failure names them (never a credential).
 */
record PmsAccount(SourceDefinition source, AccountConfig account, String baseUrl) {
    static PmsAccount of(SourceDefinition source, AccountConfig account) {
        return new PmsAccount(source, account, account.baseUrl() != null ? account.baseUrl().replaceAll("/+$", "") : source.api().baseUrl());
    }

    String id() {
        return account.id();
    }

    /** A message naming source and account, then {@code what}. */
    String fail(String what) {
        return "source '" + source.key() + "', account '" + account.id() + "': " + what;
    }

    PmsApiException error(String what, int status) {
        return new PmsApiException(source.key(), account.id(), what, status);
    }

    Secret credential(String name) {
        Secret s = account.credentials().get(name);
        if (s == null) {
            throw error("credential '" + name + "' is not configured", 401);
        }
        return s;
    }
}

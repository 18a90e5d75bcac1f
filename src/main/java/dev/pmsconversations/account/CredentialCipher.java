package dev.pmsconversations.account;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Credentials at rest: AES-256-GCM (the JDK's own provider; no library needed for one authenticated cipher) under a
 * key derived from the deployment's secret ({@code runtime.store.encryptionKey}, from an env var or file). Each
 * ciphertext is bound to its account id (associated data: a row's ciphertext copied to another account does not
 * decrypt) and stored with the key's id, so a changed key is detected and named rather than read as garbage.
 */
public final class CredentialCipher {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private final SecretKeySpec key;
    private final String keyId;
    /** Keys that only decrypt (a key being replaced: {@code runtime.store.previousEncryptionKeys}), by id. */
    private final java.util.Map<String, SecretKeySpec> previous = new java.util.LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** {@code secret}: any string; a 256-bit key is derived from it with SHA-256 (so a passphrase works as well). */
    public CredentialCipher(String secret) {
        this(secret, java.util.List.of());
    }

    /** With {@code previousSecrets}: ciphertexts of those keys still open (until {@code accounts rekey} re-encrypted them). */
    public CredentialCipher(String secret, java.util.List<String> previousSecrets) {
        this.key = keyOf(secret);
        this.keyId = idOf(secret);
        previousSecrets.forEach(p -> previous.put(idOf(p), keyOf(p)));
    }

    private static SecretKeySpec keyOf(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the encryption key must have at least 16 characters (e.g. openssl rand -base64 32)");
        }
        return new SecretKeySpec(sha256("pms-conversations credentials key\0" + secret), "AES");
    }

    private static String idOf(String secret) {
        return HexFormat.of().formatHex(sha256("pms-conversations key id\0" + secret), 0, 4);
    }

    /** The store's cipher as configured ({@code runtime.store.encryptionKey}, {@code previousEncryptionKeys}), or null without a key. */
    public static CredentialCipher of(dev.pmsconversations.config.RuntimeConfig.StoreConfig store) {
        var e = store.encryption();
        return e == null ? null : new CredentialCipher(e.key().reveal(), e.previous().stream().map(dev.pmsconversations.config.Secret::reveal).toList());
    }

    /** The key's id (8 hex digits, not secret): stored beside each ciphertext. */
    public String keyId() {
        return keyId;
    }

    public String encrypt(String accountId, String plaintext) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(accountId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getClass().getSimpleName(), e);
        }
    }

    /** @throws IllegalStateException naming the account (never the content) when the ciphertext does not open */
    public String decrypt(String accountId, String keyIdStored, String ciphertext) {
        SecretKeySpec k = keyId.equals(keyIdStored) ? key : previous.get(keyIdStored);
        if (k == null) {
            throw new IllegalStateException("account '" + accountId + "': its credentials were encrypted with key " + keyIdStored
                    + ", the runtime has key " + keyId + " (runtime.store.encryptionKey" + (previous.isEmpty() ? ""
                    : ") and " + previous.keySet() + " (previousEncryptionKeys") + ")");
        }
        try {
            byte[] all = Base64.getDecoder().decode(ciphertext);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            c.updateAAD(accountId.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("account '" + accountId + "': its stored credentials do not decrypt with key " + keyId
                    + " (altered, or copied from another account)");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

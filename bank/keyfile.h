/* keyfile.h -- Ed25519 key files (PEM) for authorities and kiosks. */
#ifndef KISI_KEYFILE_H
#define KISI_KEYFILE_H

#include <stdint.h>

#include "bank.h"

/* Writes a private key as PKCS#8 PEM to `path`, created O_EXCL with mode
 * 0600. */
bank_err keyfile_write_private(const char *path, const uint8_t priv[32], char *why);
/* Writes a public key as PEM to `path` (O_EXCL, 0644). */
bank_err keyfile_write_public(const char *path, const uint8_t pub[32], char *why);
/* Reads an Ed25519 private key (and its public half). */
bank_err keyfile_read_private(const char *path, uint8_t priv[32], uint8_t pub[32], char *why);
/* Reads an Ed25519 public key. */
bank_err keyfile_read_public(const char *path, uint8_t pub[32], char *why);

#endif

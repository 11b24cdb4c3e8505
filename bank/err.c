/* err.c -- the libbank error phrases. */
#include "bank.h"

const char *bank_strerror(bank_err e)
{
    switch (e) {
    case BANK_OK: return "ok";
    case BANK_ENOMEM: return "out of memory";
    case BANK_EIO: return "cannot read or write file";
    case BANK_ENOTBANK: return "not a Kisi file, or truncated";
    case BANK_EVERSION: return "written by another version of Kisi";
    case BANK_ECORRUPT: return "file is damaged";
    case BANK_EPASSPHRASE: return "wrong passphrase";
    case BANK_ETOKEN: return "wrong session token";
    case BANK_ELOCKED: return "bank is locked (passphrase or token needed)";
    case BANK_EPARSE: return "malformed input";
    case BANK_EINVAL: return "invalid value";
    case BANK_ENOTFOUND: return "not found";
    case BANK_EEXIST: return "already exists";
    case BANK_EEXAM: return "invalid exam definition";
    case BANK_EQUOTA: return "quota larger than the pool";
    case BANK_EROSTER: return "roster problem";
    case BANK_EATTEMPTS: return "no attempts left";
    case BANK_ENOTSEALED: return "bank is not sealed";
    case BANK_ETAMPER: return "bank or session has been tampered with";
    case BANK_ECRYPTO: return "cryptographic failure";
    case BANK_EDB: return "database failure";
    }
    return "unknown error";
}

#include "runtime/exec/tls.hpp"

#include <caf/io/middleman.hpp>
#include <caf/openssl/all.hpp>
#include <caf/scoped_actor.hpp>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

namespace lsgd::tls {

namespace {

using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;

[[noreturn]] void fail(const file_setting& f, const std::string& reason) {
  ERR_clear_error();
  throw config_error(f.where + ": " + f.path + " " + reason);
}

bio_ptr open(const file_setting& f) {
  bio_ptr bio(BIO_new_file(f.path.c_str(), "r"), &BIO_free);
  if (!bio)
    fail(f, "cannot be read");
  return bio;
}

// Every certificate of a PEM file, in order.
std::vector<x509_ptr> certificates(const file_setting& f) {
  auto bio = open(f);
  std::vector<x509_ptr> out;
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
    out.emplace_back(c, &X509_free);
  ERR_clear_error(); // the end of the file reads as an error
  if (out.empty())
    fail(f, "holds no PEM certificate");
  return out;
}

// No passphrase: OpenSSL's default would prompt on the terminal.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

key_ptr private_key(const file_setting& f) {
  auto bio = open(f);
  key_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr),
              &EVP_PKEY_free);
  if (!key) {
    std::ifstream in(f.path);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find("ENCRYPTED") != std::string::npos)
      fail(f, "is encrypted: give an unencrypted key and protect it by file permissions");
    fail(f, "holds no PEM private key");
  }
  return key;
}

// Why the certificate chain in t.certificate does not verify against t.ca
// for a TLS end of role `r` (signature, dates, purpose); "" if it does.
std::string verify_failure(const tls_config& t, role r) {
  auto chain = certificates(t.certificate);
  auto authorities = certificates(t.ca);
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                 &X509_STORE_free);
  for (auto& c : authorities)
    X509_STORE_add_cert(store.get(), c.get());
  auto free_stack = [](STACK_OF(X509) * s) { sk_X509_free(s); };
  std::unique_ptr<STACK_OF(X509), decltype(free_stack)> untrusted(sk_X509_new_null(),
                                                                   free_stack);
  for (size_t i = 1; i < chain.size(); ++i)
    sk_X509_push(untrusted.get(), chain[i].get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  if (!store || !untrusted || !ctx
      || X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(), untrusted.get()) != 1)
    fail(t.certificate, "cannot be checked (out of memory)");
  // The purposes TLS itself checks: a server's certificate must serve, a
  // worker's must be fit for a client.
  X509_STORE_CTX_set_default(ctx.get(), r == role::server ? "ssl_server" : "ssl_client");
  if (X509_verify_cert(ctx.get()) == 1)
    return "";
  const std::string why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  ERR_clear_error();
  return why;
}

} // namespace

tls_config from_flags(const std::string& certificate, const std::string& key,
                      const std::string& ca) {
  tls_config t;
  t.certificate = {certificate, "--tls-certificate"};
  t.key = {key, "--tls-key"};
  t.ca = {ca, "--tls-ca"};
  const bool any = !certificate.empty() || !key.empty() || !ca.empty();
  for (const auto* f : {&t.certificate, &t.key, &t.ca})
    if (any && f->path.empty())
      throw config_error(f->where
                         + ": missing (--tls-certificate, --tls-key and --tls-ca go together)");
  t.enabled = any;
  return t;
}

void check(const tls_config& t, role r) {
  if (!t.enabled)
    return;
  auto chain = certificates(t.certificate);
  auto key = private_key(t.key);
  if (X509_check_private_key(chain.front().get(), key.get()) != 1)
    fail(t.key, "is not the key of the certificate " + t.certificate.path);
  const auto why = verify_failure(t, r);
  if (!why.empty())
    fail(t.certificate, "does not verify against the CA in " + t.ca.path + " (" + why + ")");
}

std::string unfit_for(const tls_config& t, role r) {
  return t.enabled ? verify_failure(t, r) : "";
}

void configure(caf::actor_system_config& cfg, const tls_config& t) {
  if (!t.enabled)
    return;
  cfg.load<caf::openssl::manager>();
  // All three set: CAF's module then verifies peers both ways (see tls.hpp).
  cfg.openssl_certificate = t.certificate.path;
  cfg.openssl_key = t.key.path;
  cfg.openssl_cafile = t.ca.path;
}

caf::expected<uint16_t> publish(const server_actor& srv, uint16_t port,
                                const std::string& host, const tls_config& t) {
  if (t.enabled)
    return caf::openssl::publish(srv, port, host.c_str(), true);
  return srv.home_system().middleman().publish(srv, port, host.c_str(), true);
}

caf::expected<uint16_t> publish(const caf::actor& a, uint16_t port, const std::string& host,
                                const tls_config& t) {
  if (t.enabled)
    return caf::openssl::publish(a, port, host.c_str(), false);
  return a.home_system().middleman().publish(a, port, host.c_str(), false);
}

caf::actor connector(caf::actor_system& sys, const tls_config& t) {
  return caf::actor_cast<caf::actor>(t.enabled ? sys.openssl_manager().actor_handle()
                                               : sys.middleman().actor_handle());
}

caf::expected<server_actor> connect(caf::actor_system& sys, const std::string& host,
                                    uint16_t port, const tls_config& t, caf::timespan timeout) {
  // What caf::io::middleman::remote_actor and caf::openssl::remote_actor do,
  // with a timeout instead of their infinite wait: a peer that accepts and
  // never speaks would otherwise hold the caller forever.
  const auto& manager
    = t.enabled ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
  caf::expected<server_actor> result{caf::sec::cannot_connect_to_node};
  caf::scoped_actor self{sys};
  self->request(manager, timeout, caf::connect_atom_v, host, port)
    .receive(
      [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>& ifs) {
        if (!ptr)
          result = caf::make_error(caf::sec::no_actor_published_at_port, port);
        else if (!sys.assignable(ifs, sys.message_types<server_actor>()))
          result = caf::make_error(caf::sec::unexpected_actor_messaging_interface);
        else
          result = caf::actor_cast<server_actor>(std::move(ptr));
      },
      [&](caf::error& e) { result = std::move(e); });
  return result;
}

std::string connect_hint(const caf::error& e, const tls_config& t) {
  // A peer that drops the connection before CAF's handshake: a refused or
  // untrusted certificate, or TLS on one side only.
  if (e == caf::sec::disconnect_during_handshake)
    return t.enabled ? " (TLS: the server does not run TLS, or one side refused the other's"
                       " certificate; both must be signed by the CA of --tls-ca)"
                     : " (if the server runs TLS: give --tls-certificate, --tls-key and --tls-ca)";
  if (t.enabled && e == caf::sec::cannot_connect_to_node)
    return " (no server there, or it does not run TLS)";
  return "";
}

} // namespace lsgd::tls

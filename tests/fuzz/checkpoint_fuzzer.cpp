// libFuzzer target for the checkpoint reader: what `run --resume` trusts
// least, the bytes of run.json and of a batch file. tests/fuzz/run.sh builds
// and runs it.
//
// The first input byte picks what the rest is: 0 run.json's text; 1 a batch
// file as it is on disk (its seal almost never matches); 2 a batch file's
// content, sealed here so that the decoder behind the seal is reached; 3
// edits (2-byte offset, byte) triples applied to a valid sealed batch file and then
// resealed, to reach the size and count checks. Every bad input must end in
// std::invalid_argument; any other exception, a crash, a huge allocation or
// undefined behaviour is a finding.
#include "runtime/store/checkpoint_file.hpp"

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <string>

using namespace lsgd;

namespace {

const batch_identity id{"increasing", 2, 0, 2, 3};
const batch_shape shape{5, {0, 2, 6, 12}}; // T = 12, record_every = 3
const std::string run_hash = "0123abcd";

std::string seal(const std::string& content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(content.data(), content.size(), digest, &size, EVP_sha256(), nullptr);
  return content + std::string(reinterpret_cast<const char*>(digest), size);
}

// A checkpoint after round 2 of 3 that the decoder accepts.
std::string valid_content() {
  server_checkpoint c;
  c.rounds_completed = 2;
  c.averages = Eigen::MatrixXd::Constant(3, 2, 0.5);
  c.positions = {1, 2, 3, 4};
  c.incarnations = {0, 1};
  for (int r = 0; r < 2; ++r) {
    run_record rec;
    rec.trajectory = {1, 0.5, 0.25, 0, 0};
    rec.rounds = std::make_shared<const batch_rounds>(batch_rounds{{0, 2, 6}, {2, 2, 1}});
    rec.round_errors = {1, 0.5, 0.25};
    rec.messages = 8;
    rec.bytes = 192;
    c.records.push_back(rec);
  }
  const auto sealed = checkpoint_file::encode_batch(run_hash, id, c);
  checkpoint_file::decode_batch(sealed, run_hash, id, &shape); // mode 3 starts from valid
  return sealed.substr(0, sealed.size() - 32);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  static const std::string valid = valid_content(); // outside the try: it must not throw
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 4) {
    case 0:
      checkpoint_file::decode_run(input);
      break;
    case 1:
      checkpoint_file::decode_batch(input, run_hash, id, &shape);
      break;
    case 2:
      checkpoint_file::decode_batch(seal(input), run_hash, id, data[0] & 4 ? &shape : nullptr);
      break;
    default: {
      auto content = valid;
      for (size_t i = 0; i + 2 < input.size(); i += 3) {
        const auto at = static_cast<size_t>(static_cast<unsigned char>(input[i])) << 8
                        | static_cast<unsigned char>(input[i + 1]);
        content[at % content.size()] = input[i + 2];
      }
      checkpoint_file::decode_batch(seal(content), run_hash, id, data[0] & 4 ? &shape : nullptr);
    }
    }
  } catch (const std::invalid_argument&) {
    // the expected outcome of a bad file
  }
  return 0;
}

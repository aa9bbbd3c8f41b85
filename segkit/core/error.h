#pragma once
// segkit's exception hierarchy. The library throws these for bad input and never prints-and-continues,
// exits or asserts. A message says what failed, where (file:line, CSV row, YAML key, tensor name),
// what is valid, and how to fix it; the CLI prints it and exits non-zero.
//
//   try { auto cfg = segkit::config::load_config("run.yaml"); }
//   catch (const segkit::ConfigError& e) { std::cerr << e.what(); }

#include <stdexcept>
#include <string>

namespace segkit {

/// Base of every error segkit reports on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A configuration file or override is wrong: unknown key, wrong type, bad value, include cycle.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// An input file is missing, unreadable, malformed or inconsistent (images, CSV, RLE, safetensors).
class DataError : public Error {
 public:
  using Error::Error;
};

/// Tensor or image shapes disagree (input size, class count, state_dict entry).
class ShapeError : public Error {
 public:
  using Error::Error;
};

/// The operating system refused an I/O operation (write, rename, fsync) on an output.
class IoError : public Error {
 public:
  using Error::Error;
};

/// A model cannot be written in the format asked for (an operator or a shape the format cannot express).
class ExportError : public Error {
 public:
  using Error::Error;
};

/// A distributed run lost a peer or could not form (segkit/dist).
class DistError : public Error {
 public:
  using Error::Error;
};

}  // namespace segkit

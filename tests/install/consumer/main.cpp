#include <iostream>

#include "segkit/config/config.h"
#include "segkit/io/safetensors.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto config = segkit::config::load_config(argv[1], {"seed=5"}, segkit::config::segkit_schema());
  std::cout << "seed " << config.get<int>("seed") << "\n";
  return 0;
}

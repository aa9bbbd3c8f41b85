// `segkit folds CONFIG [key=value ...]`: assigns every image of the config's dataset to a fold
// (K-fold or stratified by the number of non-empty classes) and writes the folds CSV.

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/config/config.h"
#include "segkit/core/logging.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/folds.h"

namespace segkit::cli {

void add_folds_command(CLI::App& app) {
  struct Args {
    std::string file;
    std::vector<std::string> overrides;
  };
  auto args = std::make_shared<Args>();
  auto* folds = app.add_subcommand("folds", "Write the cross-validation folds CSV of a config's dataset");
  folds->add_option("config", args->file, "YAML config file")->required()->check(CLI::ExistingFile);
  folds->add_option("overrides", args->overrides, "dotted key=value overrides, e.g. folds.k=4");
  folds->callback([args] {
    const auto config = config::load_config(args->file, args->overrides, config::segkit_schema());
    const auto base = std::filesystem::path(args->file).parent_path();
    const auto dataset = data::build_dataset(config.at("data"), base);
    const int k = config.get<int>("folds.k");
    const auto seed = config.get<uint64_t>("seed");
    const auto method = config.get<std::string>("folds.method");
    const auto assignment = data::assign_folds(*dataset, k, method, seed);
    std::vector<std::string> ids;
    for (size_t i = 0; i < dataset->size(); ++i) ids.push_back(dataset->id(i));
    const auto output = base / config.get<std::string>("folds.file");
    data::write_folds(output, ids, assignment);
    std::vector<int> sizes(k, 0);
    for (int fold : assignment) ++sizes[fold];
    for (int fold = 0; fold < k; ++fold) std::printf("fold %d: %d images\n", fold, sizes[fold]);
    log::info("wrote {} ({} images, {} folds)", output.string(), ids.size(), k);
  });
}

}  // namespace segkit::cli

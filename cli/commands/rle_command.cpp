// `segkit rle decode --format kaggle|siim --size HxW TEXT -o mask.png`: one RLE field as a 0/255
// PNG. `segkit rle encode --format kaggle|siim mask.png`: the RLE of a single-channel 8-bit mask
// (nonzero = foreground) on stdout. Conventions and error messages: segkit/io/rle.h, docs/rle.md.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "cli/commands/commands.h"
#include "cli/commands/size_option.h"
#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/core/strings.h"
#include "segkit/io/rle.h"

namespace segkit::cli {
namespace {

struct RleArgs {
  std::string format = "kaggle";
  std::string order = "column";
  std::string size;
  std::vector<std::string> text;  // the field, quoted or as separate words
  std::string output;
  std::string input;
};

io::RleOrder order_of(const RleArgs& args) {
  return args.order == "row" ? io::RleOrder::kRowMajor : io::RleOrder::kColumnMajor;
}

void add_common_options(CLI::App* command, const std::shared_ptr<RleArgs>& args) {
  command
      ->add_option("--format", args->format,
                   "kaggle (1-based start length) or siim (relative offsets)")
      ->check(CLI::IsMember({"kaggle", "siim"}))
      ->capture_default_str();
  command
      ->add_option("--order", args->order,
                   "pixel order: column (Kaggle's, down each column) or row")
      ->check(CLI::IsMember({"column", "row"}))
      ->capture_default_str();
}

void decode(const RleArgs& args) {
  int height = 0, width = 0;
  parse_size(args.size, height, width);  // validated by the option's check
  const std::string text = join(args.text, " ");
  cv::Mat mask(height, width, CV_8UC1, cv::Scalar(0));
  if (args.format == "siim") {
    io::decode_siim_rle(text, height, width, mask.data, 255, order_of(args));
  } else {
    io::decode_kaggle_rle(text, height, width, mask.data, 255, order_of(args));
  }
  write_atomic_with(args.output, [&](const std::filesystem::path& temp) {
    if (!cv::imwrite(temp.string(), mask)) {
      throw IoError("cannot write PNG '" + args.output + "' (does its folder exist?)");
    }
  });
  log::info("wrote {} ({}x{}, {} foreground pixels)", args.output, height, width,
            cv::countNonZero(mask));
}

void encode(const RleArgs& args) {
  cv::Mat mask = cv::imread(args.input, cv::IMREAD_UNCHANGED);
  if (mask.empty()) {
    throw DataError("cannot read mask '" + args.input +
                    "': missing, or not an image OpenCV can decode");
  }
  if (mask.type() != CV_8UC1) {
    throw DataError("mask '" + args.input + "' is " + cv::typeToString(mask.type()) + " (" +
                    std::to_string(mask.channels()) + " channel(s)); rle encode needs a " +
                    "single-channel 8-bit image (CV_8UC1: 0 = background, nonzero = foreground)");
  }
  if (!mask.isContinuous()) mask = mask.clone();
  const std::string rle =
      args.format == "siim"
          ? io::encode_siim_rle(mask.data, mask.rows, mask.cols, order_of(args))
          : io::encode_kaggle_rle(mask.data, mask.rows, mask.cols, order_of(args));
  std::printf("%s\n", rle.c_str());
}

}  // namespace

void add_rle_command(CLI::App& app) {
  auto* rle = app.add_subcommand("rle", "Decode or encode Kaggle / SIIM run-length masks");
  rle->require_subcommand(1);

  auto decode_args = std::make_shared<RleArgs>();
  auto* decode_cmd = rle->add_subcommand("decode", "Write one RLE field as a 0/255 PNG mask");
  add_common_options(decode_cmd, decode_args);
  decode_cmd
      ->add_option("--size", decode_args->size, "mask size as HxW (height x width), e.g. 256x1600")
      ->required()
      ->check(size_validator());
  decode_cmd
      ->add_option("text", decode_args->text,
                   "the RLE field: quoted, or its numbers as separate words")
      ->required();
  const CLI::Validator png_check(
      [](std::string& value) {
        const std::string extension = std::filesystem::path(value).extension().string();
        return extension == ".png" || extension == ".PNG"
                   ? std::string()
                   : "output '" + value + "' must end in .png (a lossless format)";
      },
      "FILE.png");
  decode_cmd->add_option("-o,--output", decode_args->output, "the PNG to write (atomically)")
      ->required()
      ->check(png_check);
  decode_cmd->callback([decode_args] { decode(*decode_args); });

  auto encode_args = std::make_shared<RleArgs>();
  auto* encode_cmd =
      rle->add_subcommand("encode", "Print the RLE of a single-channel 8-bit mask image");
  add_common_options(encode_cmd, encode_args);
  encode_cmd->add_option("mask", encode_args->input, "mask image (nonzero = foreground)")
      ->required()
      ->check(CLI::ExistingFile);
  encode_cmd->callback([encode_args] { encode(*encode_args); });
}

}  // namespace segkit::cli

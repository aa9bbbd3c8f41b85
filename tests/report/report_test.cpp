#include "segkit/report/report.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <regex>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/data/labelme_dataset.h"  // decode_base64: an independent decoder for the round trip
#include "tests/support/test_support.h"

namespace segkit::report {
namespace {

// Three epochs as the trainer writes them; epoch 2 is the best and epoch 3 did not compute iou.
const char* const kLog =
    R"({"epoch": 1, "step": 40, "time_s": 12.5, "lr": {"encoder": 1e-5, "decoder": 1e-4}, "train": {"loss": 0.9, "dice": 0.2, "dice_per_class": {"membrane": 0.3, "cell": 0.1}}, "val": {"loss": 0.8, "dice": 0.3, "dice_per_class": {"membrane": 0.4, "cell": 0.2}, "iou": 0.2, "iou_per_class": {"membrane": 0.25, "cell": 0.15}}, "best": true}
{"epoch": 2, "step": 80, "time_s": 24.1, "lr": {"encoder": 1e-4, "decoder": 1e-3}, "train": {"loss": 0.5, "dice": 0.5, "dice_per_class": {"membrane": 0.7, "cell": 0.3}}, "val": {"loss": 0.45, "dice": 0.55, "dice_per_class": {"membrane": 0.8, "cell": 0.3}, "iou": 0.4, "iou_per_class": {"membrane": 0.6, "cell": 0.2}}, "best": true}

{"epoch": 3, "step": 120, "time_s": 36.0, "lr": {"encoder": 5e-5, "decoder": 5e-4}, "train": {"loss": 0.4, "dice": 0.6, "dice_per_class": {"membrane": 0.8, "cell": 0.4}}, "val": {"loss": 0.47, "dice": 0.52, "dice_per_class": {"membrane": 0.78, "cell": 0.26}, "iou": null, "iou_per_class": {"membrane": 0.58, "cell": 0.2}}, "best": false}
)";

size_t count_files(const std::filesystem::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

// An H x W example whose prediction covers the left half of each class's truth.
ReportExample make_example(const std::string& id, int h, int w, bool with_truth) {
  ReportExample ex;
  ex.id = id;
  ex.image = cv::Mat(h, w, CV_8UC3, cv::Scalar(40, 80, 120));
  std::vector<cv::Mat> truth(2), prediction(2);
  truth[0] = cv::Mat::zeros(h, w, CV_8U);
  truth[0](cv::Rect(0, 0, w / 2, h)) = 1;  // membrane: left half
  truth[1] = cv::Mat::zeros(h, w, CV_8U);
  truth[1](cv::Rect(w / 2, 0, w / 2, h)) = 1;  // cell: right half
  prediction[0] = truth[0].clone();
  prediction[1] = cv::Mat::zeros(h, w, CV_8U);
  prediction[1](cv::Rect(w / 2, 0, w / 4, h)) = 1;
  cv::merge(prediction, ex.prediction);
  if (with_truth) cv::merge(truth, ex.truth);
  return ex;
}

std::vector<cv::Mat> embedded_images(const std::string& html) {
  std::vector<cv::Mat> images;
  const std::regex re(R"re(src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    const std::string bytes = data::decode_base64((*it)[1].str());
    images.push_back(cv::imdecode(std::vector<uchar>(bytes.begin(), bytes.end()), cv::IMREAD_UNCHANGED));
  }
  return images;
}

TEST(ReportHtml, Base64MatchesRfc4648AndRoundTrips) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(data::decode_base64(base64_encode(all)), all);
}

TEST(ReportHtml, EscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(RunLog, FlattensEveryNumberAndFindsTheBestEpoch) {
  const RunLog log = parse_run_log(kLog, "run/log.jsonl");
  ASSERT_EQ(log.epochs.size(), 3u);
  EXPECT_EQ(log.epochs[2].line, 4u) << "the blank line still counts";
  EXPECT_DOUBLE_EQ(log.value(1, {"val", "dice_per_class", "cell"}), 0.3);
  EXPECT_DOUBLE_EQ(log.value(0, {"lr", "decoder"}), 1e-4);
  EXPECT_TRUE(std::isnan(log.value(2, {"val", "iou"}))) << "null is how NaN arrives";
  EXPECT_TRUE(std::isnan(log.value(0, {"val", "absent"})));
  EXPECT_EQ(dotted(log.keys.front()), "step");
  EXPECT_EQ(log.best_epoch("val.dice"), 1u) << "the last \"best\": true wins";

  const RunLog unflagged = parse_run_log("{\"epoch\": 1, \"val\": {\"loss\": 0.5, \"dice\": 0.1}}\n"
                                         "{\"epoch\": 2, \"val\": {\"loss\": 0.3, \"dice\": 0.4}}\n"
                                         "{\"epoch\": 3, \"val\": {\"loss\": 0.4, \"dice\": 0.2}}\n",
                                         "log.jsonl");
  EXPECT_EQ(unflagged.best_epoch("val.dice"), 1u);
  EXPECT_EQ(unflagged.best_epoch("val.loss"), 1u) << "loss: lower is better";
  EXPECT_FALSE(unflagged.best_epoch("val.nothing").has_value());

  const RunLog listed = parse_run_log("{\"val\": {\"dice_per_class\": [0.1, 0.2]}}", "log.jsonl");
  EXPECT_DOUBLE_EQ(listed.value(0, {"val", "dice_per_class", "1"}), 0.2) << "lists are indexed like maps";
  EXPECT_DOUBLE_EQ(listed.epochs[0].epoch, 1.0) << "no \"epoch\": the record's position";
}

TEST(RunLog, MalformedLineNamesFileAndLine) {
  test::TempDir dir;
  test::write_text(dir / "log.jsonl", "{\"epoch\": 1}\n{\"epoch\": 2}\n{\"epoch\": 3, \"val\": {\"loss\": 0.4,}\n");
  try {
    read_run_log(dir / "log.jsonl");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "log.jsonl").string() + ":3:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_run_log("[1, 2]\n", "log.jsonl"), DataError);
  EXPECT_THROW(parse_run_log("{\"epoch\": \"one\"}\n", "log.jsonl"), DataError);
  EXPECT_THROW(read_run_log(dir / "missing.jsonl"), DataError);
}

TEST(ReportCharts, FollowTheKeysTheLogHas) {
  const ReportCharts charts = charts_from_log(parse_run_log(kLog, "log.jsonl"));
  ASSERT_EQ(charts.metrics.size(), 3u);
  EXPECT_EQ(charts.metrics[0].title, "loss");
  EXPECT_EQ(charts.metrics[1].title, "dice");
  EXPECT_EQ(charts.metrics[2].title, "iou");
  ASSERT_EQ(charts.metrics[0].series.size(), 2u);
  EXPECT_EQ(charts.metrics[0].series[1].name, "val");
  EXPECT_EQ(charts.metrics[2].series.size(), 1u) << "only val has iou";
  ASSERT_EQ(charts.per_class.size(), 2u);
  EXPECT_EQ(charts.per_class[0].title, "val dice per class");
  EXPECT_EQ(charts.per_class[0].series[0].name, "membrane");
  ASSERT_TRUE(charts.learning_rate.has_value());
  EXPECT_TRUE(charts.learning_rate->log_y);
  EXPECT_EQ(charts.learning_rate->series.size(), 2u);
}

// A multiclass run's confusion matrix: rows shaded by their share, the best epoch's IoU as bars.
TEST(RunReport, MulticlassRunsShowTheirConfusionMatrixAndIouBars) {
  ReportInfo info;
  info.class_names = {"membrane", "cell"};
  info.monitor = "val.iou";
  info.confusion_matrix = {{30, 10}, {0, 60}};
  const std::string html = render_report("run", info, parse_run_log(kLog, "run/log.jsonl"), {});
  EXPECT_NE(html.find("Confusion matrix (validation, best epoch)"), std::string::npos);
  EXPECT_NE(html.find("<title>membrane predicted as cell: 10 pixels</title>"), std::string::npos);
  EXPECT_NE(html.find(">75</text>"), std::string::npos) << "30 of membrane's 40 pixels: 75 %";
  EXPECT_NE(html.find(">0.6</text>"), std::string::npos) << "the best epoch's (2) membrane IoU bar";
  EXPECT_NE(html.find("href=\"#confusion\""), std::string::npos);
  info.confusion_matrix = {{1, 2}};
  EXPECT_THROW(render_report("run", info, parse_run_log(kLog, "run/log.jsonl"), {}), ShapeError);
  EXPECT_EQ(render_report("run", {}, parse_run_log(kLog, "run/log.jsonl"), {}).find("Confusion matrix"),
            std::string::npos);
}

TEST(ReportExamples, DicePerClassAndOverlay) {
  const ReportExample ex = make_example("a", 8, 16, true);
  const auto dice = dice_per_class(ex.truth, ex.prediction);
  ASSERT_EQ(dice.size(), 2u);
  EXPECT_DOUBLE_EQ(dice[0], 1.0);
  EXPECT_NEAR(dice[1], 2.0 * 32 / (64 + 32), 1e-12);
  const cv::Mat empty = cv::Mat::zeros(4, 4, CV_8UC2);
  EXPECT_EQ(dice_per_class(empty, empty), (std::vector<double>{1.0, 1.0}));

  const cv::Mat shown = overlay_masks(ex.image, ex.prediction);
  ASSERT_EQ(shown.size(), ex.image.size());
  EXPECT_EQ(shown.at<cv::Vec3b>(4, 7), class_color(0)) << "the outline is drawn in the class colour";
  EXPECT_NE(shown.at<cv::Vec3b>(4, 3), ex.image.at<cv::Vec3b>(4, 3)) << "inside is tinted";
  EXPECT_EQ(shown.at<cv::Vec3b>(4, 14), ex.image.at<cv::Vec3b>(4, 14)) << "outside stays as it was";
}

TEST(ReportExamples, PanelShapesAndErrors) {
  EXPECT_EQ(example_panel(make_example("a", 10, 12, true)).size(), cv::Size(3 * 12 + 2 * kPanelGap, 10));
  EXPECT_EQ(example_panel(make_example("b", 10, 12, false)).size(), cv::Size(2 * 12 + kPanelGap, 10));
  EXPECT_EQ(example_panel(make_example("c", 100, 1024, true), 512).size(), cv::Size(3 * 512 + 2 * kPanelGap, 50));
  ReportExample bad = make_example("img-7", 10, 12, true);
  bad.prediction = cv::Mat::zeros(10, 11, CV_8UC2);
  try {
    example_panel(bad);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("img-7"), std::string::npos) << e.what();
  }
}

TEST(RunReport, SelfContainedPageWithEverythingTheRunLogged) {
  test::TempDir dir;
  test::write_text(dir / "log.jsonl", kLog);
  ReportInfo info;
  info.title = "unet fold 0";
  info.class_names = {"membrane", "cell"};
  info.monitor = "val.dice";
  info.config_yaml = "model:\n  arch: unet  # <b>not bold</b>\n";
  write_report(dir.path(), info, {make_example("img-1", 20, 32, true), make_example("img-2", 24, 16, false)});

  EXPECT_EQ(count_files(dir.path()), 2u) << "log.jsonl and report.html, no temp file left behind";
  const std::string html = read_file(dir / "report.html");
  for (const char* text : {"unet fold 0", "loss", "dice", "iou", "dice_per_class", "iou_per_class", "membrane",
                           "cell", "encoder", "decoder", "val.iou_per_class.cell", "train.dice", "step", "time_s",
                           "learning rate", "img-1", "img-2", "Best epoch <b>2</b>", "0.55", "arch: unet"}) {
    EXPECT_NE(html.find(text), std::string::npos) << text;
  }
  EXPECT_NE(html.find("&lt;b&gt;not bold"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "no JavaScript";
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "no network resources";
  EXPECT_NE(html.find("Dice: membrane 1 &middot; cell 0.6667"), std::string::npos);
  EXPECT_NE(html.find("no ground truth"), std::string::npos);

  const auto images = embedded_images(html);
  ASSERT_EQ(images.size(), 2u);
  ASSERT_FALSE(images[0].empty());
  ASSERT_FALSE(images[1].empty());
  EXPECT_EQ(images[0].size(), cv::Size(3 * 32 + 2 * kPanelGap, 20));
  EXPECT_EQ(images[1].size(), cv::Size(2 * 16 + kPanelGap, 24));
  EXPECT_EQ(images[0].channels(), 3);
}

TEST(RunReport, EscapesEveryStringFromTheRun) {
  test::TempDir dir;
  test::write_text(dir / "log.jsonl",
                   "{\"epoch\": 1, \"val\": {\"dice_per_class\": {\"<script>alert(1)</script>\": 0.5}}}\n");
  ReportInfo info;
  info.title = "<script>t</script>";
  info.class_names = {"<script>alert(2)</script>"};
  info.monitor = "<script>";
  info.config_yaml = "x: </pre><script>";
  ReportExample ex = make_example("<script>id</script>", 6, 6, true);
  write_report(dir.path(), info, {ex});
  const std::string html = read_file(dir / "report.html");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(2)"), std::string::npos);
}

TEST(RunReport, FailureLeavesThePreviousReport) {
  test::TempDir dir;
  test::write_text(dir / "log.jsonl", kLog);
  write_report(dir.path(), {}, {});
  const std::string before = read_file(dir / "report.html");
  EXPECT_NE(before.find("segkit run "), std::string::npos) << "untitled runs are named after their folder";
  test::write_text(dir / "log.jsonl", std::string(kLog) + "not json\n");
  EXPECT_THROW(write_report(dir.path(), {}, {}), DataError);
  EXPECT_EQ(read_file(dir / "report.html"), before);
  EXPECT_EQ(count_files(dir.path()), 2u);
}

TEST(RunReport, EmptyLogAndUnknownMonitor) {
  EXPECT_NE(render_report("run", {}, parse_run_log("", "run/log.jsonl"), {}).find("has no epochs yet"),
            std::string::npos);
  ReportInfo info;
  info.monitor = "val.dcie";
  const std::string html = render_report("run", info, parse_run_log(kLog, "run/log.jsonl"), {});
  EXPECT_NE(html.find("did you mean &#39;val.dice&#39;"), std::string::npos);
  EXPECT_NE(html.find("Best epoch <b>2</b>"), std::string::npos) << "the trainer's flag still marks it";
  EXPECT_EQ(html.find("href=\"#examples\""), std::string::npos) << "no link to a section that is not there";
  EXPECT_NE(html.find("href=\"#learning-rate\""), std::string::npos);
}

}  // namespace
}  // namespace segkit::report

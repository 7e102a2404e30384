// 3x3 box blur of a grayscale image held in a std::vector: rows are independent, the per-pixel
// accumulator is private, and the mean brightness is a reduction.
#include <cstdio>
#include <vector>

static void blur(const std::vector<float>& in, std::vector<float>& out, int w, int h) {
  for (int y = 1; y < h - 1; ++y) {
    for (int x = 1; x < w - 1; ++x) {
      float acc = 0.0f;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) acc += in[(y + dy) * w + (x + dx)];
      out[y * w + x] = acc / 9.0f;
    }
  }
}

int main() {
  const int w = 1024, h = 768;
  std::vector<float> img(w * h), res(w * h, 0.0f);
  for (int i = 0; i < w * h; ++i) img[i] = static_cast<float>((i * 37) % 256);
  for (int pass = 0; pass < 4; ++pass) {
    blur(img, res, w, h);
    img.swap(res);
  }
  double mean = 0.0;
  for (int i = 0; i < w * h; ++i) mean += img[i];
  std::printf("mean %.4f\n", mean / (w * h));
  return 0;
}

// Dot product of two std::vector<double>.
#include <cstdio>
#include <vector>

int main() {
    const std::size_t n = 300000;
    std::vector<double> a(n), b(n);
    for (std::size_t i = 0; i < n; i++) {
        a[i] = (i % 101) * 0.01;
        b[i] = (i % 7) * 0.5;
    }
    double dot = 0;
    for (std::size_t i = 0; i < n; i++) /* ompgpt:target */
        dot += a[i] * b[i];
    std::printf("dot %.9f\n", dot);
    return 0;
}

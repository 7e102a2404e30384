// A lambda captures the accumulator by reference: a reduction clause privatises the name, not the
// lambda's reference, so the lambda still writes the shared variable.
#include <cstdio>
#include <vector>

int main() {
    const int n = 300000;
    std::vector<double> a(n);
    for (int i = 0; i < n; i++) a[i] = (i % 71) * 0.25;
    double total = 0;
    auto add = [&total](double x) { total += x * x; };
    for (int i = 0; i < n; i++) /* ompgpt:target */
        add(a[i]);
    std::printf("total %.6f\n", total);
    return 0;
}

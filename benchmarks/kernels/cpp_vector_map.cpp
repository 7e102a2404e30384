// std::vector map through operator[].
#include <cstdio>
#include <vector>

int main() {
    const int n = 300000;
    std::vector<double> a(n), b(n);
    double scale = 1.25;
    for (int i = 0; i < n; i++) a[i] = (i % 89) * 0.5;
    for (int i = 0; i < n; i++) /* ompgpt:target */
        b[i] = a[i] * scale + (i % 3);
    double check = 0;
    for (int i = 0; i < n; i++) check += b[i] * (i % 5 + 1);
    std::printf("checksum %.6f\n", check);
    return 0;
}

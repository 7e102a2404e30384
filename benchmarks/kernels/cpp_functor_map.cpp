// A const functor applied element-wise; its state is read-only.
#include <cstdio>
#include <vector>

struct Poly {
    double c0, c1, c2;
    double operator()(double x) const { return c0 + x * (c1 + x * c2); }
};

int main() {
    const int n = 300000;
    std::vector<double> in(n), out(n);
    const Poly p{1.0, -0.5, 0.25};
    for (int i = 0; i < n; i++) in[i] = (i % 40) * 0.1;
    for (int i = 0; i < n; i++) /* ompgpt:target */
        out[i] = p(in[i]);
    double check = 0;
    for (int i = 0; i < n; i++) check += out[i] * (i % 6 + 1);
    std::printf("checksum %.6f\n", check);
    return 0;
}

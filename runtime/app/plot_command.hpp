// localsgd plot: runs the figure script on a results folder.
#pragma once

#include <string>

namespace lsgd {

/// Draws the figures of `dir` with store/plot_results.py; the folder goes to
/// Python as one argument, never through a shell, so any name works.
/// Exit codes: 0 drawn, 1 the script failed (its one line on stderr),
/// 2 `dir` is not a folder.
int draw_figures(const std::string& dir);

} // namespace lsgd

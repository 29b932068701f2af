// The shared library permitflow is the whole permitflow_core archive; this translation unit is empty.

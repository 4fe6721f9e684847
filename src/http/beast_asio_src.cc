// The one translation unit that compiles Beast's and Asio's out-of-line code
// (BOOST_BEAST_SEPARATE_COMPILATION / BOOST_ASIO_SEPARATE_COMPILATION are
// set for chancery_http and everything linking it), so no other file pays
// for it.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>

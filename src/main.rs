//! Entry point of the web app that Trunk builds; the app lives in the library.

fn main() {
    kubarium_web::start();
}
